#!/usr/bin/env pwsh
# Runs the coralnet-deploy suite: ./build.ps1 --target=Deploy (see ./build.ps1 --help).
# Builds the suite only when its sources changed since the last build, then runs it with every
# argument passed through. Runs from the repository root, whatever the caller's directory.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

$required = (Get-Content global.json -Raw | ConvertFrom-Json).sdk.version
$majorMinor = $required.Substring(0, $required.LastIndexOf('.'))
if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    [Console]::Error.WriteLine("error: the .NET SDK is not installed; install .NET SDK $majorMinor ($required or a later feature band), then run this again.")
    exit 1
}
$sdks = & dotnet --list-sdks
if (-not ($sdks | Where-Object { $_ -like "$majorMinor.*" })) {
    [Console]::Error.WriteLine("error: .NET SDK $majorMinor is not installed (global.json asks for $required or later); found: $($sdks -join ', ')")
    exit 1
}

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
$program = 'build/bin/Release/net10.0/Build.dll'
$stamp = 'build/bin/Release/.built-from-sources'
$stale = -not (Test-Path $program) -or -not (Test-Path $stamp)
if (-not $stale) {
    $built = (Get-Item $stamp).LastWriteTimeUtc
    $sources = @(Get-ChildItem build -Recurse -File -Include *.cs, *.csproj, *.json |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) +
        @(Get-Item global.json, Directory.Build.props, Directory.Build.targets)
    $stale = [bool]($sources | Where-Object { $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1)
}
if ($stale) {
    & dotnet build build/Build.csproj -c Release --nologo -v quiet -clp:NoSummary | Write-Host
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    New-Item -ItemType File -Force $stamp | Out-Null
}
& dotnet $program @args
exit $LASTEXITCODE
