using System.Net;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Publishing;

/// <summary>
/// Fetches an image URL, and only one on an allowed host: the host is checked before any request, https is required, redirects
/// are never followed (the client does not follow them and a 3xx is refused), and at most <see cref="ImageOptions.MaxBytes"/> is
/// read, by the declared length and while reading. Anything else refuses the image; nothing is fetched for it.
/// </summary>
public sealed class ImageFetcher(HttpClient http, IOptions<ImageOptions> options)
{
    /// <summary>The name of the HTTP client the worker registers (no redirects, no cookies, no proxy credentials).</summary>
    public const string ClientName = "TokenWorkers.Images";

    private readonly ImageOptions _options = options.Value;

    /// <summary>Why <paramref name="url"/> may not be fetched at all, or null when it may.</summary>
    public static string? Refuses(Uri url, ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
        {
            return "is not an absolute https URL";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "carries credentials in its URL";
        }

        return options.Allows(url) ? null : $"is on host \"{url.Host}\", which is not in Publishing:Images:AllowedHosts";
    }

    public async Task<ImageLoad> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        if (Refuses(url, _options) is { } refused)
        {
            return new ImageRefused(refused);
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.FetchTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                return new ImageRefused($"answered {(int)response.StatusCode} (a redirect); redirects are not followed");
            }

            if (response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                return new ImageUnavailable($"its host answered {(int)response.StatusCode}");
            }

            if (response.RequestMessage?.RequestUri is { } answered && answered != url)
            {
                // A handler that followed a redirect after all: what came back is not what the sender named.
                return new ImageRefused("was redirected; redirects are not followed");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new ImageRefused($"answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength is { } declared && declared > _options.MaxBytes)
            {
                return new ImageRefused(TooLarge(declared));
            }

            return await ReadBoundedAsync(response, bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ImageUnavailable($"did not arrive within {_options.FetchTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return new ImageUnavailable($"could not be fetched ({ex.HttpRequestError})");
        }
    }

    private async Task<ImageLoad> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var kept = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (kept.Length + read > _options.MaxBytes)
            {
                // Stop reading: a host that lies about (or omits) its length gets no more of our memory.
                return new ImageRefused(TooLarge(null));
            }

            kept.Write(buffer, 0, read);
        }

        return new ImageBytes(kept.ToArray());
    }

    private string TooLarge(long? declared) =>
        $"is larger than Publishing:Images:MaxBytes ({_options.MaxBytes} bytes{(declared is { } d ? $"; it declares {d}" : "")})";
}

/// <summary>What loading an image's bytes came to.</summary>
public abstract record ImageLoad;

/// <summary>The image's bytes, not yet checked.</summary>
public sealed record ImageBytes(byte[] Bytes) : ImageLoad;

/// <summary>The image can never be loaded as given (host not allowed, too large, missing, refused): the post fails.</summary>
public sealed record ImageRefused(string Reason) : ImageLoad;

/// <summary>The image could not be loaded now (its host is down, a timeout): the post is tried again later.</summary>
public sealed record ImageUnavailable(string Reason) : ImageLoad;
