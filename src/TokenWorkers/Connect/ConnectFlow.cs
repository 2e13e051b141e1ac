using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;

namespace TokenWorkers.Connect;

/// <summary>
/// The outcome of a callback: the connection as stored, or why nothing was stored. <see cref="LinkedInUnavailable"/> says
/// the reason was LinkedIn not answering (an outage, not a refusal), which the page answers with 502.
/// </summary>
public sealed record ConnectOutcome(Connection? Connection, ConnectRequest? Request, string? Problem, bool LinkedInUnavailable = false);

/// <summary>
/// LinkedIn's authorization-code flow for one connection: the redirect to LinkedIn, and the callback that
/// exchanges the code, learns the member, and stores the tokens (a new connection, or new tokens for an existing
/// one, which keeps its id and history). Nothing is stored unless every step succeeded.
/// </summary>
/// <summary>How a browser asks to start the flow: a connect session's link, a reconnect link, or an old-style reconnect URL.</summary>
public sealed record ConnectStart(string? Session, string? Reconnect, string? ConnectionId, string? TenantId, string? ReturnUrl);

public sealed partial class ConnectFlow(
    ConnectState state,
    ConnectSessionIssuer sessions,
    ConnectLinks links,
    IConnectionStore connections,
    ILinkedInOAuth oauth,
    ILinkedInApps apps,
    ILinkedInApi api,
    RefreshSchedule schedule,
    AggregateWriter<Connection> writer,
    Auditor auditor,
    IOptions<ConnectOptions> connectOptions,
    ILogger<ConnectFlow> logger)
{
    /// <summary>
    /// LinkedIn's authorization URL and the nonce the browser must keep in a cookie until the callback, or why the request
    /// is refused. A connect session starts any flow (a first connection included) once; a reconnect link, or the
    /// connectionId/tenantId form of earlier versions, only renews an existing connection bound to a member.
    /// </summary>
    public async Task<(Uri? Redirect, string? BrowserNonce, string? Problem)> StartAsync(ConnectStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var options = connectOptions.Value;
        string connectionId, tenantId, app;
        Uri? back;
        var reconnectOnly = true;
        if (!string.IsNullOrEmpty(start.Session))
        {
            var (session, problem) = await sessions.RedeemAsync(start.Session, cancellationToken);
            if (session is null)
            {
                LogStartRefused(logger, problem!);
                return (null, null, problem);
            }

            (connectionId, tenantId, back, reconnectOnly, app) = (session.ConnectionId, session.TenantId, session.ReturnUrl, false, session.App);
            LogSessionRedeemed(logger, connectionId, session.CreatedBy);
        }
        else
        {
            string? problem;
            (var linkedId, var linkedTenant, problem) = string.IsNullOrEmpty(start.Reconnect)
                ? (start.ConnectionId, start.TenantId, ConnectRequestRules.CheckIds(start.ConnectionId, start.TenantId))
                : links.Read(start.Reconnect);
            (back, var returnProblem) = ConnectRequestRules.CheckReturnUrl(start.ReturnUrl, options);
            string? renewedApp = null;
            if (problem is null && returnProblem is null)
            {
                (renewedApp, problem) = await ReconnectProblemAsync(linkedId!, linkedTenant!, cancellationToken);
            }

            problem ??= returnProblem;
            if (problem is not null)
            {
                LogStartRefused(logger, problem);
                return (null, null, problem);
            }

            (connectionId, tenantId, app) = (linkedId!, linkedTenant!, renewedApp!);
        }

        if (apps.Find(app) is not { } linkedInApp)
        {
            LogUnknownApp(logger, connectionId, app);
            return (null, null, "This connection's LinkedIn app is not available right now. Please try again later.");
        }

        var browser = ConnectState.NewBrowserNonce();
        var issued = state.Issue(connectionId, tenantId, back, browser, reconnectOnly, app);
        return (oauth.AuthorizationUrl(app, RedirectUri(linkedInApp), issued, linkedInApp.Scopes ?? options.Scopes), browser, null);
    }

    // An app's registered redirect URL (a proxy's address, say) still reaches this worker's callback.
    private Uri RedirectUri(LinkedInAppInfo app) => app.RedirectUri ?? connectOptions.Value.CallbackUri;

    // The same answer whether the connection is missing, another tenant's or not yet bound: a link must not reveal which.
    private async Task<(string? App, string? Problem)> ReconnectProblemAsync(string connectionId, string tenantId, CancellationToken cancellationToken)
    {
        Connection? existing;
        try
        {
            existing = await connections.FindAsync(connectionId, cancellationToken);
        }
        catch (UnreadableRowException)
        {
            return (null, "This connection cannot be renewed right now. Please try again later.");
        }

        return existing is { MemberUrn: not null } && existing.TenantId == tenantId
            ? (existing.App, null)
            : (null, "This link cannot start a new connection. Start from the page in the product that sent you here: it gives you a fresh sign-in link.");
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

        TokenResult exchanged;
        ApiResult? who = null;
        try
        {
            var redirect = apps.Find(request.App) is { } linkedInApp ? RedirectUri(linkedInApp) : connectOptions.Value.CallbackUri;
            exchanged = await oauth.ExchangeCodeAsync(request.App, code, redirect, cancellationToken);
            if (exchanged is TokenGranted answered)
            {
                who = await api.GetMemberAsync(answered.AccessToken, cancellationToken);
            }
        }
        catch (LinkedInTransportException)
        {
            // No answer (dropped, or slower than LinkedIn:RequestTimeout). The code may be spent at LinkedIn; a new one is needed.
            LogLinkedInUnavailable(logger, request.ConnectionId, "no answer");
            return Unavailable(request);
        }

        if (exchanged is TokenFailed { Class: FailureClass.Transient or FailureClass.RateLimited } outage)
        {
            LogLinkedInUnavailable(logger, request.ConnectionId, outage.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? outage.Class.ToString());
            return Unavailable(request);
        }

        if (exchanged is not TokenGranted granted)
        {
            LogCodeRejected(logger, request.ConnectionId);
            return new ConnectOutcome(null, request, "LinkedIn refused the authorization code. Start again.");
        }

        if (who is ApiRejected { Class: FailureClass.Transient or FailureClass.RateLimited })
        {
            LogLinkedInUnavailable(logger, request.ConnectionId, "userinfo");
            return Unavailable(request);
        }

        if (who is not MemberFound member)
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

    private static ConnectOutcome Unavailable(ConnectRequest request) => new(null, request,
        "LinkedIn did not answer in time, so the connection was not made. Nothing was changed. Please start again from the link you were given.",
        LinkedInUnavailable: true);

    private async Task<ConnectOutcome> StoreAsync(ConnectRequest request, TokenGranted granted, string memberUrn, CancellationToken cancellationToken)
    {
        string? problem = null;
        var facts = new ConnectRequestFacts(request.ConnectionId, request.TenantId, memberUrn, request.ReconnectOnly, request.App);
        var action = request.ReconnectOnly ? "connect.reconnect-link" : "connect.session";
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
                await auditor.RecordAsync(memberUrn, action, request.ConnectionId, StatusCodes.Status403Forbidden, problem);
                return new ConnectOutcome(null, request, problem);
            }

            await auditor.RecordAsync(memberUrn, action, request.ConnectionId, StatusCodes.Status200OK);
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

    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "Connect start refused: {Problem}")]
    private static partial void LogStartRefused(ILogger logger, string problem);

    [LoggerMessage(EventId = 706, Level = LogLevel.Information, Message = "Connect session for {ConnectionId} (minted by key {CreatedBy}) redeemed")]
    private static partial void LogSessionRedeemed(ILogger logger, string connectionId, string createdBy);

    [LoggerMessage(EventId = 708, Level = LogLevel.Warning,
        Message = "Connect callback for {ConnectionId}: LinkedIn did not answer ({What}); nothing stored, the member is asked to start again")]
    private static partial void LogLinkedInUnavailable(ILogger logger, string connectionId, string what);

    [LoggerMessage(EventId = 709, Level = LogLevel.Error,
        Message = "Connect start for {ConnectionId} refused: its LinkedIn app {App} is not configured (LinkedIn:Apps:{App})")]
    private static partial void LogUnknownApp(ILogger logger, string connectionId, string app);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Connect callback refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "LinkedIn did not authorize connection {ConnectionId}: {Error}")]
    private static partial void LogDeclined(ILogger logger, string connectionId, string error);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "LinkedIn refused the authorization code for connection {ConnectionId}")]
    private static partial void LogCodeRejected(ILogger logger, string connectionId);
}
