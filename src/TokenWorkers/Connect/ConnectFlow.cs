using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;

namespace TokenWorkers.Connect;

/// <summary>The outcome of a callback: the connection as stored, or why nothing was stored.</summary>
public sealed record ConnectOutcome(Connection? Connection, ConnectRequest? Request, string? Problem);

/// <summary>
/// LinkedIn's authorization-code flow for one connection: the redirect to LinkedIn, and the callback that
/// exchanges the code, learns the member, and stores the tokens (a new connection, or new tokens for an existing
/// one, which keeps its id and history). Nothing is stored unless every step succeeded.
/// </summary>
public sealed partial class ConnectFlow(
    ConnectState state,
    ILinkedInOAuth oauth,
    ILinkedInApi api,
    RefreshSchedule schedule,
    AggregateWriter<Connection> writer,
    IOptions<ConnectOptions> connectOptions,
    ILogger<ConnectFlow> logger)
{
    private const int MaxIdLength = 200;

    /// <summary>
    /// LinkedIn's authorization URL for this connection and the nonce the browser must keep in a cookie until the
    /// callback, or why the request is refused.
    /// </summary>
    public (Uri? Redirect, string? BrowserNonce, string? Problem) Start(string? connectionId, string? tenantId, string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(connectionId) || connectionId.Length > MaxIdLength ||
            string.IsNullOrWhiteSpace(tenantId) || tenantId.Length > MaxIdLength)
        {
            return (null, null, "connectionId and tenantId are required (at most 200 characters each).");
        }

        Uri? back = null;
        if (!string.IsNullOrEmpty(returnUrl))
        {
            if (!Uri.TryCreate(returnUrl, UriKind.Absolute, out back) ||
                !connectOptions.Value.AllowedReturnOrigins.Any(o => string.Equals(o.TrimEnd('/'), back.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)))
            {
                return (null, null, "returnUrl is not on an allowed origin.");
            }
        }

        var options = connectOptions.Value;
        var browser = ConnectState.NewBrowserNonce();
        return (oauth.AuthorizationUrl(options.CallbackUri, state.Issue(connectionId, tenantId, back, browser), options.Scopes), browser, null);
    }

    public async Task<ConnectOutcome> CompleteAsync(
        string? code, string? stateValue, string? browserNonce, string? error, string? errorDescription, CancellationToken cancellationToken)
    {
        var (request, problem) = state.Redeem(stateValue, browserNonce);
        if (request is null)
        {
            LogRefused(logger, problem!);
            return new ConnectOutcome(null, null, problem);
        }

        if (!string.IsNullOrEmpty(error))
        {
            LogDeclined(logger, request.ConnectionId, error);
            return new ConnectOutcome(null, request, error == "user_cancelled_authorize" || error == "user_cancelled_login"
                ? "You cancelled the connection to LinkedIn. Nothing was changed."
                : $"LinkedIn did not authorize the connection ({error}). Nothing was changed.");
        }

        if (string.IsNullOrEmpty(code))
        {
            return new ConnectOutcome(null, request, "LinkedIn's answer carried no authorization code. Nothing was changed.");
        }

        if (await oauth.ExchangeCodeAsync(code, connectOptions.Value.CallbackUri, cancellationToken) is not TokenGranted granted)
        {
            LogCodeRejected(logger, request.ConnectionId);
            return new ConnectOutcome(null, request, "LinkedIn refused the authorization code. Start again.");
        }

        if (await api.GetMemberAsync(granted.AccessToken, cancellationToken) is not MemberFound member)
        {
            return new ConnectOutcome(null, request, "LinkedIn did not tell us who signed in (the openid and profile scopes are needed). Nothing was changed.");
        }

        var stored = await StoreAsync(request, granted, member.MemberUrn, cancellationToken);
        if (stored.Problem is not null)
        {
            return stored;
        }

        LogConnected(logger, request.ConnectionId, stored.Connection!.Version);
        return stored;
    }

    private async Task<ConnectOutcome> StoreAsync(ConnectRequest request, TokenGranted granted, string memberUrn, CancellationToken cancellationToken)
    {
        string? problem = null;
        var facts = new ConnectRequestFacts(request.ConnectionId, request.TenantId, memberUrn);
        var grant = granted.ToGrant();
        try
        {
            var written = await writer.UpsertAsync(
                request.ConnectionId,
                (existing, now) => ConnectionTransitions.Authorize(existing, facts, grant, now, schedule, out problem),
                cancellationToken);
            if (problem is not null)
            {
                LogAuthorizeRefused(logger, request.ConnectionId, request.TenantId, memberUrn, written.Current?.MemberUrn, problem);
                return new ConnectOutcome(null, request, problem);
            }

            return new ConnectOutcome(written.Current, request, null);
        }
        catch (ConcurrencyException)
        {
            return new ConnectOutcome(null, request, "The connection kept changing while we stored it. Start again.");
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Connection {ConnectionId} authorized at LinkedIn, stored at version {Version}")]
    private static partial void LogConnected(ILogger logger, string connectionId, long version);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning,
        Message = "Connect refused for {ConnectionId} (tenant {TenantId}): LinkedIn member {MemberUrn} signed in, the connection belongs to {StoredMemberUrn}: {Problem}")]
    private static partial void LogAuthorizeRefused(ILogger logger, string connectionId, string tenantId, string memberUrn, string? storedMemberUrn, string problem);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Connect callback refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "LinkedIn did not authorize connection {ConnectionId}: {Error}")]
    private static partial void LogDeclined(ILogger logger, string connectionId, string error);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "LinkedIn refused the authorization code for connection {ConnectionId}")]
    private static partial void LogCodeRejected(ILogger logger, string connectionId);
}
