namespace TokenWorkers.Sandbox.Hosting;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "LinkedIn sandbox listening on {Address} with {AppCount} apps and {MemberCount} members")]
    public static partial void Started(ILogger logger, string address, int appCount, int memberCount);

    [LoggerMessage(6, LogLevel.Warning, "The sandbox has no LinkedIn apps configured (Sandbox:Apps): every client_id will be answered as invalid")]
    public static partial void NoApps(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "{Endpoint} answered {Status} {Outcome} (grant {GrantId}, token {TokenFingerprint}, fault {Fault})")]
    public static partial void Handled(ILogger logger, string endpoint, int status, string outcome, string? grantId, string? tokenFingerprint, string? fault);

    [LoggerMessage(3, LogLevel.Error, "{Endpoint} failed; answering 500")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(4, LogLevel.Information, "Sandbox clock advanced by {By} to {Now}")]
    public static partial void ClockAdvanced(ILogger logger, TimeSpan by, DateTimeOffset now);

    [LoggerMessage(5, LogLevel.Information, "Next {Count} calls to {Endpoint} will fail with {Fault}")]
    public static partial void FaultInjected(ILogger logger, int count, string endpoint, string fault);
}
