using System.Net;
using System.Text.RegularExpressions;

namespace TokenWorkers.Chaos;

/// <summary>
/// A member's browser going through the connect flow by hand: the reconnect link from a ReauthRequired, LinkedIn's
/// consent screen, and the callback. The instances sit behind one public address (a load balancer); each request goes
/// to whichever worker process is running when it is made, which is what a browser behind a balancer gets.
/// </summary>
internal sealed class MemberBrowser(Func<Uri?> anyRunningWorker) : IDisposable
{
    public static readonly Uri PublicBaseUrl = new("https://tokenworkers.chaos.example/");

    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Opens <paramref name="reconnectUrl"/>, consents at LinkedIn, returns to the callback; throws on any other answer.</summary>
    public async Task ReconnectAsync(Uri reconnectUrl, CancellationToken cancellationToken)
    {
        using var start = await _http.GetAsync(Behind(reconnectUrl), cancellationToken);
        await ExpectAsync(start, HttpStatusCode.Redirect, "the reconnect link", cancellationToken);
        var cookie = start.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? string.Join("; ", cookies.Select(c => c.Split(';')[0]))
            : throw new InvalidOperationException("the reconnect link set no browser-binding cookie");
        using var consent = await _http.GetAsync(start.Headers.Location!, cancellationToken);
        await ExpectAsync(consent, HttpStatusCode.Redirect, "LinkedIn's consent screen", cancellationToken);
        using var callback = new HttpRequestMessage(HttpMethod.Get, Behind(consent.Headers.Location!));
        callback.Headers.Add("Cookie", cookie);
        using var done = await _http.SendAsync(callback, cancellationToken);
        await ExpectAsync(done, HttpStatusCode.OK, "the callback", cancellationToken);
    }

    private Uri Behind(Uri publicUrl)
    {
        if (!string.Equals(publicUrl.Host, PublicBaseUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"a link to {publicUrl.Host}, not to the instances' public address");
        }

        var worker = anyRunningWorker() ?? throw new InvalidOperationException("no worker is running");
        return new Uri(worker, publicUrl.PathAndQuery);
    }

    /// <summary>Throws with what the page said (its text, tags dropped), so a refused step says why in the report.</summary>
    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string step, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var html = Regex.Replace(await response.Content.ReadAsStringAsync(cancellationToken), "<style[^>]*>.*?</style>", " ", RegexOptions.Singleline);
            var page = Regex.Replace(html, "<[^>]*>", " ");
            var said = Regex.Replace(page, @"\s+", " ").Trim();
            throw new InvalidOperationException($"{step} answered {(int)response.StatusCode}, not {(int)expected}: {said[..Math.Min(said.Length, 200)]}");
        }
    }

    public void Dispose() => _http.Dispose();
}
