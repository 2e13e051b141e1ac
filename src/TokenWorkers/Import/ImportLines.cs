using System.Runtime.CompilerServices;
using System.Text;

namespace TokenWorkers.Import;

/// <summary>
/// The lines of an import body or file, read one at a time (never the whole body as one string). A body that grows past
/// the server's limit ends the lines there, and <see cref="Stopped"/> says so.
/// </summary>
public sealed class ImportLines(Stream source, long? maxBytes = null)
{
    public string? Stopped { get; private set; }

    public async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(source, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true);
        var read = 0;
        while (true)
        {
            var (line, stopped) = await NextAsync(reader, cancellationToken);
            if (stopped)
            {
                Stopped = $"the body is larger than {maxBytes} bytes (Admin:ImportMaxBodyBytes): lines after line {read} were not read";
                yield break;
            }

            if (line is null)
            {
                yield break;
            }

            read++;
            yield return line;
        }
    }

    private static async Task<(string? Line, bool TooLarge)> NextAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return (await reader.ReadLineAsync(cancellationToken), false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, true);
        }
    }
}
