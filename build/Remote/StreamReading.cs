using System.Text;

namespace CoralNet.Deploy.Remote;

/// <summary>Reads a command's output stream to its end as it comes, handing each finished line on.</summary>
public static class StreamReading
{
    /// <summary>The whole text of <paramref name="stream"/>, exactly; each line (ended by \n or \r) goes to <paramref name="line"/> as soon as it is complete.</summary>
    public static async Task<string> ReadAsync(Stream stream, Action<string> line)
    {
        await Task.Yield();
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var text = new StringBuilder();
        var current = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            text.Append(buffer, 0, read);
            foreach (var c in buffer.AsSpan(0, read))
            {
                if (c is '\n' or '\r')
                {
                    line(current.ToString());
                    current.Clear();
                }
                else
                {
                    current.Append(c);
                }
            }
        }

        if (current.Length > 0)
        {
            line(current.ToString());
        }

        return text.ToString();
    }
}
