using Microsoft.Extensions.Options;
using TokenWorkers.Connections;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// LinkedIn's token endpoint: the refresh and authorization-code grants, form-urlencoded with the
/// client credentials in the body (LinkedIn does not accept HTTP Basic client auth).
/// Protocol answers come back as <see cref="TokenResult"/> values; only transport faults throw.
/// </summary>
public sealed class LinkedInOAuthClient(HttpClient http, IOptions<LinkedInOptions> options, TimeProvider time)
{
    public const string TokenPath = "oauth/v2/accessToken";

    private readonly LinkedInOptions _options = options.Value;

    public Task<TokenResult> RefreshAsync(SecretToken refreshToken, CancellationToken cancellationToken) =>
        SendAsync(
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken.Reveal()),
            new("client_id", _options.ClientId),
            new("client_secret", _options.ClientSecret),
        ], cancellationToken);

    public Task<TokenResult> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken cancellationToken) =>
        SendAsync(
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri.OriginalString),
            new("client_id", _options.ClientId),
            new("client_secret", _options.ClientSecret),
        ], cancellationToken);

    private async Task<TokenResult> SendAsync(KeyValuePair<string, string>[] form, CancellationToken cancellationToken)
    {
        var requestedAt = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.OAuthBaseUrl, TokenPath))
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Accept.ParseAdd("application/json");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return TokenResponseReader.Read(response.StatusCode, body, requestedAt);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LinkedInTransportException(
                $"LinkedIn's token endpoint did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            // HttpRequestException messages name the host, never the form; keep it as the cause.
            throw new LinkedInTransportException($"LinkedIn's token endpoint could not be reached: {ex.HttpRequestError}", ex);
        }
    }
}
