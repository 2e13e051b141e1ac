using System.Diagnostics;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// LinkedIn's token endpoint: the refresh and authorization-code grants, form-urlencoded with the
/// client credentials in the body (LinkedIn does not accept HTTP Basic client auth).
/// Protocol answers come back as <see cref="TokenResult"/> values; only transport faults throw. Each call names the app
/// whose credentials it uses; an app that is not configured (any more) is a configuration failure of that call alone.
/// </summary>
public sealed class LinkedInOAuthClient(HttpClient http, IOptions<LinkedInOptions> options, TimeProvider time) : ILinkedInOAuth
{
    public const string TokenPath = "oauth/v2/accessToken";
    public const string RevokePath = "oauth/v2/revoke";
    public const string IntrospectPath = "oauth/v2/introspectToken";

    /// <summary>The error code of a call for an app this worker has no settings for.</summary>
    public const string UnknownAppError = "unknown_app";

    private readonly LinkedInOptions _options = options.Value;
    private readonly LinkedInApps _apps = new(options);
    private readonly LinkedInSend _send = new(http, options.Value.RequestTimeout);

    public Uri AuthorizationUrl(string app, Uri redirectUri, string state, string scopes)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        var credentials = _apps.Credentials(app) ?? throw new InvalidOperationException(UnknownApp(app));
        var query = $"response_type=code&client_id={Uri.EscapeDataString(credentials.ClientId)}" +
                    $"&redirect_uri={Uri.EscapeDataString(redirectUri.ToString())}" +
                    $"&state={Uri.EscapeDataString(state)}" +
                    $"&scope={Uri.EscapeDataString(scopes)}";
        return new Uri(_options.OAuthBaseUrl, "oauth/v2/authorization?" + query);
    }

    public Task<TokenResult> RefreshAsync(string app, SecretToken refreshToken, CancellationToken cancellationToken) =>
        _apps.Credentials(app) is not { } credentials
            ? Task.FromResult<TokenResult>(UnknownAppFailure(app))
            : SendAsync(
            [
                new("grant_type", "refresh_token"),
                new("refresh_token", refreshToken.Reveal()),
                new("client_id", credentials.ClientId),
                new("client_secret", credentials.ClientSecret),
            ], cancellationToken);

    public Task<TokenResult> ExchangeCodeAsync(string app, string code, Uri redirectUri, CancellationToken cancellationToken) =>
        _apps.Credentials(app) is not { } credentials
            ? Task.FromResult<TokenResult>(UnknownAppFailure(app))
            : SendAsync(
            [
                new("grant_type", "authorization_code"),
                new("code", code),
                new("redirect_uri", redirectUri.OriginalString),
                new("client_id", credentials.ClientId),
                new("client_secret", credentials.ClientSecret),
            ], cancellationToken);

    /// <summary>
    /// Revokes <paramref name="token"/> (and with it, at LinkedIn, the member's grant). Null when LinkedIn accepted it:
    /// 200, which it also answers for a token it no longer knows (RFC 7009), so a retry is always safe.
    /// Otherwise why not; transport faults throw <see cref="LinkedInTransportException"/>.
    /// </summary>
    public async Task<TokenFailed?> RevokeAsync(string app, SecretToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_apps.Credentials(app) is not { } credentials)
        {
            return UnknownAppFailure(app);
        }

        var result = await SendAsync<TokenFailed?>(
            RevokePath,
            [
                new("token", token.Reveal()),
                new("client_id", credentials.ClientId),
                new("client_secret", credentials.ClientSecret),
            ],
            (status, body, requestedAt) => (int)status is >= 200 and < 300 ? null : LinkedInErrorReader.OAuthFailure(status, body, requestedAt),
            cancellationToken);
        return result;
    }

    /// <summary>
    /// What LinkedIn knows of <paramref name="token"/> (docs/linkedin-api.md §3.1): <see cref="TokenIntrospected"/> on 200,
    /// active or not; otherwise why not (400 for a token LinkedIn does not know, 401 for a wrong client secret).
    /// </summary>
    public Task<TokenResult> IntrospectAsync(string app, SecretToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_apps.Credentials(app) is not { } credentials)
        {
            return Task.FromResult<TokenResult>(UnknownAppFailure(app));
        }

        return SendAsync(
            IntrospectPath,
            [
                new("client_id", credentials.ClientId),
                new("client_secret", credentials.ClientSecret),
                new("token", token.Reveal()),
            ],
            IntrospectionReader.Read,
            cancellationToken);
    }

    private static string UnknownApp(string app) =>
        $"The LinkedIn app '{app}' is not configured (LinkedIn:Apps:{app}:ClientId); the connection keeps its tokens until it is configured again.";

    private static TokenFailed UnknownAppFailure(string app) => new(FailureClass.Configuration, UnknownAppError, UnknownApp(app), null);

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
