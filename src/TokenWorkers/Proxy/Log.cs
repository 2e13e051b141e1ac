namespace TokenWorkers.Proxy;

/// <summary>The proxy's log lines: who called for which connection and what came of it; never a path's query, a body or a token.</summary>
public static partial class Log
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Information,
        Message = "Proxy: {AdminKey} {Method} for {ConnectionId}: {Outcome} ({Status}) after {LinkedInCalls} call(s) to LinkedIn")]
    public static partial void Proxied(ILogger logger, string adminKey, string method, string connectionId, string outcome, int status, int linkedInCalls);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning,
        Message = "Access token of {ConnectionId} handed to {AdminKey} (token {Fingerprint}, expires {ExpiresAt:o})")]
    public static partial void TokenVended(ILogger logger, string connectionId, string adminKey, string fingerprint, DateTimeOffset? expiresAt);
}
