#!/usr/bin/env pwsh
# Runs the coralnet-deploy suite: ./build.ps1 --target=Deploy (see ./build.ps1 --help).
# Builds the suite when any input of its build changed since the last build, then runs it with every
# argument passed through. Runs from the repository root, whatever the caller's directory, and leaves
# the caller's location and environment as they were.
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

# The build's inputs: every file under build/ but its output (bin/, obj/), and the repository-wide
# files MSBuild, NuGet and the compiler read. The stamp keeps their listing (path, size, modification
# time to 100 ns, sorted by path) as of the last build; any difference, an added, edited, renamed or
# deleted file, rebuilds. build.sh makes the same listing of the same files, so a build by either is
# current for the other: change both together.
$rootInputs = 'global.json', 'NuGet.config', 'nuget.config', 'NuGet.Config', 'Directory.Build.props', 'Directory.Build.targets',
    'Directory.Build.rsp', 'Directory.Packages.props', '.editorconfig', '.globalconfig'

# .NET's enumeration rather than Get-ChildItem, which costs PowerShell's start a good part again;
# AttributesToSkip 0 keeps dot-files, which count as hidden on Linux.
function Get-BuildInputListing {
    $top = [IO.EnumerationOptions]@{ AttributesToSkip = 0 }
    $below = [IO.EnumerationOptions]@{ AttributesToSkip = 0; RecurseSubdirectories = $true }
    $build = [IO.DirectoryInfo]::new((Join-Path $PSScriptRoot build))
    $files = @([IO.DirectoryInfo]::new($PSScriptRoot).EnumerateFiles('*', $top) | Where-Object { $rootInputs -ccontains $_.Name }) +
        @($build.EnumerateFiles('*', $top)) +
        @($build.EnumerateDirectories('*', $top) | Where-Object { $_.Name -cnotin 'bin', 'obj' } | ForEach-Object { $_.EnumerateFiles('*', $below) })
    $lines = foreach ($file in $files) {
        $path = [IO.Path]::GetRelativePath($PSScriptRoot, $file.FullName).Replace('\', '/')
        $ticks = ($file.LastWriteTimeUtc - [DateTime]::UnixEpoch).Ticks.ToString('D8')
        "$path`t$($file.Length)`t$($ticks.Substring(0, $ticks.Length - 7)).$($ticks.Substring($ticks.Length - 7))"
    }
    [string[]]$sorted = $lines
    [Array]::Sort($sorted, [StringComparer]::Ordinal)
    $sorted -join "`n"
}

$variables = 'DOTNET_CLI_TELEMETRY_OPTOUT', 'DOTNET_NOLOGO', 'DOTNET_SKIP_FIRST_TIME_EXPERIENCE'
$callerValues = @{}
foreach ($name in $variables) { $callerValues[$name] = [Environment]::GetEnvironmentVariable($name) }
Push-Location -LiteralPath $PSScriptRoot
try {
    $globalJson = [Text.Json.JsonDocument]::Parse([IO.File]::ReadAllText((Join-Path $PSScriptRoot global.json)))
    $required = $globalJson.RootElement.GetProperty('sdk').GetProperty('version').GetString()
    $majorMinor = $required.Substring(0, $required.LastIndexOf('.'))
    $sdks = try { @(& dotnet --list-sdks 2>$null) } catch [Management.Automation.CommandNotFoundException] { $null }
    if ($null -eq $sdks) {
        [Console]::Error.WriteLine("error: the .NET SDK is not installed; install .NET SDK $majorMinor ($required or a later feature band), then run this again.")
        exit 1
    }
    if (-not ($sdks | Where-Object { $_.StartsWith("$majorMinor.") })) {
        $found = ($sdks | ForEach-Object { ($_ -split ' ')[0] + ' ' }) -join ''
        [Console]::Error.WriteLine("error: .NET SDK $majorMinor is not installed (global.json asks for $required or later); found: $found")
        exit 1
    }

    foreach ($name in $variables) { [Environment]::SetEnvironmentVariable($name, '1') }
    # Full paths: .NET's own file calls resolve relative ones against the process's directory,
    # which Push-Location does not move.
    $program = Join-Path $PSScriptRoot 'build/bin/Release/app/Build.dll'
    $stamp = Join-Path $PSScriptRoot 'build/bin/Release/.built-from-sources'
    $listing = Get-BuildInputListing
    # [IO.File] rather than Get-Item: the stamp is a dot-file, which PowerShell hides on Linux.
    if (-not [IO.File]::Exists($program) -or -not [IO.File]::Exists($stamp) -or
        [IO.File]::ReadAllText($stamp).TrimEnd("`n") -cne $listing) {
        # Published ReadyToRun, as build.sh does (see there why).
        & dotnet publish build/Build.csproj -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true `
            --artifacts-path build/bin/publish -o build/bin/Release/app --nologo -v quiet -clp:NoSummary 2>&1 |
            ForEach-Object { [Console]::Error.WriteLine($_) }
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        [IO.File]::WriteAllText($stamp, "$listing`n")
    }
    & dotnet $program @args
    exit $LASTEXITCODE
}
finally {
    foreach ($name in $variables) { [Environment]::SetEnvironmentVariable($name, $callerValues[$name]) }
    Pop-Location
}
