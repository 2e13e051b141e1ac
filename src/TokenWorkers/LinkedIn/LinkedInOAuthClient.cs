using System.Diagnostics;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// LinkedIn's token endpoint: the refresh and authorization-code grants, form-urlencoded with the
/// client credentials in the body (LinkedIn does not accept HTTP Basic client auth).
/// Protocol answers come back as <see cref="TokenResult"/> values; only transport faults throw.
/// </summary>
public sealed class LinkedInOAuthClient(HttpClient http, IOptions<LinkedInOptions> options, TimeProvider time) : ILinkedInOAuth
{
    public const string TokenPath = "oauth/v2/accessToken";
    public const string RevokePath = "oauth/v2/revoke";
    public const string IntrospectPath = "oauth/v2/introspectToken";

    private readonly LinkedInOptions _options = options.Value;
    private readonly string _clientSecret = SecretSetting.ResolveValidated(
        LinkedInOptions.ClientSecretSetting, options.Value.ClientSecret, LinkedInOptions.ClientSecretFileSetting, options.Value.ClientSecretFile);
    private readonly LinkedInSend _send = new(http, options.Value.RequestTimeout);

    public Uri AuthorizationUrl(Uri redirectUri, string state, string scopes)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        var query = $"response_type=code&client_id={Uri.EscapeDataString(_options.ClientId)}" +
                    $"&redirect_uri={Uri.EscapeDataString(redirectUri.ToString())}" +
                    $"&state={Uri.EscapeDataString(state)}" +
                    $"&scope={Uri.EscapeDataString(scopes)}";
        return new Uri(_options.OAuthBaseUrl, "oauth/v2/authorization?" + query);
    }

    public Task<TokenResult> RefreshAsync(SecretToken refreshToken, CancellationToken cancellationToken) =>
        SendAsync(
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken.Reveal()),
            new("client_id", _options.ClientId),
            new("client_secret", _clientSecret),
        ], cancellationToken);

    public Task<TokenResult> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken cancellationToken) =>
        SendAsync(
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri.OriginalString),
            new("client_id", _options.ClientId),
            new("client_secret", _clientSecret),
        ], cancellationToken);

    /// <summary>
    /// Revokes <paramref name="token"/> (and with it, at LinkedIn, the member's grant). Null when LinkedIn accepted it:
    /// 200, which it also answers for a token it no longer knows (RFC 7009), so a retry is always safe.
    /// Otherwise why not; transport faults throw <see cref="LinkedInTransportException"/>.
    /// </summary>
    public async Task<TokenFailed?> RevokeAsync(SecretToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var result = await SendAsync<TokenFailed?>(
            RevokePath,
            [
                new("token", token.Reveal()),
                new("client_id", _options.ClientId),
                new("client_secret", _clientSecret),
            ],
            (status, body, requestedAt) => (int)status is >= 200 and < 300 ? null : LinkedInErrorReader.OAuthFailure(status, body, requestedAt),
            cancellationToken);
        return result;
    }

    /// <summary>
    /// What LinkedIn knows of <paramref name="token"/> (docs/linkedin-api.md §3.1): <see cref="TokenIntrospected"/> on 200,
    /// active or not; otherwise why not (400 for a token LinkedIn does not know, 401 for a wrong client secret).
    /// </summary>
    public Task<TokenResult> IntrospectAsync(SecretToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SendAsync(
            IntrospectPath,
            [
                new("client_id", _options.ClientId),
                new("client_secret", _clientSecret),
                new("token", token.Reveal()),
            ],
            IntrospectionReader.Read,
            cancellationToken);
    }

    private Task<TokenResult> SendAsync(KeyValuePair<string, string>[] form, CancellationToken cancellationToken) =>
        SendAsync(TokenPath, form, TokenResponseReader.Read, cancellationToken);

    private async Task<T> SendAsync<T>(
        string path,
        KeyValuePair<string, string>[] form,
        Func<System.Net.HttpStatusCode, string, DateTimeOffset, T> read,
        CancellationToken cancellationToken)
    {
        var requestedAt = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.OAuthBaseUrl, path))
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Accept.ParseAdd("application/json");

        // Sent or not, a failed exchange may be retried: the caller's lease keeps a refresh from running twice at once.
        return await _send.SendAsync(request, cancellationToken) switch
        {
            LinkedInAnswered answer => read(answer.Status, answer.Body, requestedAt),
            LinkedInUnanswered { Cause: null } => throw new LinkedInTransportException(
                $"LinkedIn's {path} did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s"),
            LinkedInUnanswered { Cause: { } cause } => throw CouldNotReach(path, cause),
            LinkedInNotSent notSent => throw CouldNotReach(path, notSent.Cause),
            _ => throw new UnreachableException(),
        };
    }

    // HttpRequestException messages name the host, never the form; keep it as the cause.
    private static LinkedInTransportException CouldNotReach(string path, HttpRequestException cause) =>
        new($"LinkedIn's {path} could not be reached: {cause.HttpRequestError}", cause);
}
