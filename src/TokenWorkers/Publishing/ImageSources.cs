using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>
/// Loads an image's bytes from where the sender put them: the message-data repository (the claim check the bus is configured
/// with) or an allowed URL (<see cref="ImageFetcher"/>), and checks them (<see cref="ImageChecks"/>) before anything is uploaded.
/// </summary>
public sealed partial class ImageSources(ImageFetcher fetcher, IMessageDataRepository repository, IOptions<ImageOptions> options)
{
    private readonly ImageOptions _options = options.Value;

    /// <summary>The image ready to upload, or why it cannot be (<see cref="ImageRefused"/>, <see cref="ImageUnavailable"/>).</summary>
    public async Task<ImageLoad> LoadAsync(ImageUpload image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!Uri.TryCreate(image.Reference, UriKind.Absolute, out var reference))
        {
            return new ImageRefused("names no absolute address");
        }

        var loaded = image.Source == ImageSource.Url
            ? await fetcher.FetchAsync(reference, cancellationToken)
            : await FromRepositoryAsync(reference, cancellationToken);
        if (loaded is not ImageBytes { Bytes: var bytes })
        {
            return loaded;
        }

        var (type, problem) = ImageChecks.Inspect(bytes);
        return problem is not null ? new ImageRefused(problem) : new CheckedImage(bytes, type!);
    }

    /// <summary>
    /// Why <paramref name="address"/> is not a repository address this worker reads, or null. Only the shape repositories write
    /// passes (<c>urn:</c>, then colon-separated names of letters, digits, <c>-</c> and <c>_</c>): the file-system repository turns
    /// an address into a file path, and nothing outside its directory may be read.
    /// </summary>
    public static string? RefusesAddress(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return FileAddress().IsMatch(address.OriginalString) ? null : "is not an address of the worker's message-data repository (urn:file:…, urn:…)";
    }

    private async Task<ImageLoad> FromRepositoryAsync(Uri address, CancellationToken cancellationToken)
    {
        if (RefusesAddress(address) is { } refused)
        {
            return new ImageRefused(refused);
        }

        try
        {
            await using var stream = await repository.Get(address, cancellationToken);
            using var kept = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (kept.Length + read > _options.MaxBytes)
                {
                    return new ImageRefused($"is larger than Publishing:Images:MaxBytes ({_options.MaxBytes} bytes)");
                }

                kept.Write(buffer, 0, read);
            }

            return new ImageBytes(kept.ToArray());
        }
        catch (Exception ex) when (ex is MessageDataNotFoundException or FileNotFoundException or DirectoryNotFoundException)
        {
            return new ImageRefused("is not in the message-data repository (never put there, or expired)");
        }
        catch (IOException ex)
        {
            return new ImageUnavailable($"could not be read from the message-data repository ({ex.GetType().Name})");
        }
    }

    /// <summary>What repositories write, e.g. <c>FileSystemMessageDataRepository</c>'s <c>urn:file:</c>, date parts and a file name.</summary>
    [GeneratedRegex("^urn:(?:[A-Za-z0-9_-]+:)+[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex FileAddress();
}

/// <summary>An image's bytes and its media type as its first bytes state, within every limit: ready to upload.</summary>
public sealed record CheckedImage(byte[] Bytes, string ContentType) : ImageLoad;
