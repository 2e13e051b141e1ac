using MassTransit;
using TokenWorkers.Contracts;

namespace TokenWorkers.Demo;

/// <summary>What another service subscribed to TokenWorkers' events would receive, logged for the demo one line per event.</summary>
public sealed partial class DemoSubscriber(ILogger<DemoSubscriber> logger) :
    IConsumer<TokenRefreshed>, IConsumer<ReauthSoon>, IConsumer<ReauthRequired>, IConsumer<ConnectionRecovered>,
    IConsumer<ConnectionAuthorized>, IConsumer<ConnectionDisconnected>, IConsumer<PostPublished>, IConsumer<PostFailed>,
    IConsumer<PostHeld>, IConsumer<PostScheduled>, IConsumer<PostCancelled>, IConsumer<PostDeleted>, IConsumer<PostOutcomeUnknown>
{
    public Task Consume(ConsumeContext<PostPublished> context)
    {
        var m = context.Message;
        // PostPublished does not name the author: the sender knows whom it asked to post as.
        var author = DemoPosts.AuthorOf(m.PostId, m.ConnectionId);
        LogPublished(logger, m.PostId, author, m.ConnectionId, m.Urn, m.Url);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PostScheduled> context)
    {
        var m = context.Message;
        LogScheduled(logger, m.PostId, m.ConnectionId, m.PublishAt);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PostCancelled> context)
    {
        var m = context.Message;
        LogCancelled(logger, m.PostId, m.ConnectionId, m.Reason ?? "no reason given");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PostDeleted> context)
    {
        var m = context.Message;
        LogDeleted(logger, m.PostId ?? "(a post made elsewhere)", m.Urn, m.ConnectionId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PostOutcomeUnknown> context)
    {
        var m = context.Message;
        LogOutcomeUnknown(logger, m.PostId, m.ConnectionId, m.Reason);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PostFailed> context)
    {
        var m = context.Message;
        LogPostFailed(logger, m.PostId, m.ConnectionId, m.FailureClass, m.Reason, m.CanResend);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PostHeld> context)
    {
        var m = context.Message;
        // Some holds have no end time (a re-authorization lasts until the member reconnects); their Description says what ends them.
        var until = m.Until is { } at ? at.ToString("o", System.Globalization.CultureInfo.InvariantCulture) : "further notice";
        LogHeld(logger, m.PostId, m.ConnectionId, m.Reason, m.Description, until);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<TokenRefreshed> context)
    {
        var m = context.Message;
        LogRefreshed(logger, m.ConnectionId, m.Version, m.AccessTokenExpiresAt, m.RefreshTokenExpiresAt);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReauthSoon> context)
    {
        var m = context.Message;
        LogSoon(logger, m.ConnectionId, m.DaysBefore, m.Deadline, m.Reason);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReauthRequired> context)
    {
        var m = context.Message;
        LogRequired(logger, m.ConnectionId, m.Reason, m.ErrorCode ?? "nothing", m.Deadline);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ConnectionRecovered> context)
    {
        var m = context.Message;
        LogRecovered(logger, m.ConnectionId, m.PreviousFailureClass, m.FailedAttempts);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ConnectionAuthorized> context)
    {
        var m = context.Message;
        LogAuthorized(logger, m.ConnectionId, m.MemberUrn, m.Reconnected, m.RefreshTokenExpiresAt);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ConnectionDisconnected> context)
    {
        var m = context.Message;
        LogDisconnected(logger, m.ConnectionId, m.Reason ?? "no reason given", m.ReconnectUrl);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 923, Level = LogLevel.Information, Message = "Subscriber got ConnectionDisconnected: {ConnectionId} ({Reason}); reconnect at {ReconnectUrl}")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, string reason, Uri? reconnectUrl);

    [LoggerMessage(EventId = 919, Level = LogLevel.Information, Message = "Subscriber got ConnectionAuthorized: {ConnectionId} is {MemberUrn} (reconnected: {Reconnected}; refresh token ends {RefreshTokenExpiresAt:o})")]
    private static partial void LogAuthorized(ILogger logger, string connectionId, string memberUrn, bool reconnected, DateTimeOffset? refreshTokenExpiresAt);

    [LoggerMessage(EventId = 910, Level = LogLevel.Information, Message = "Subscriber got TokenRefreshed: {ConnectionId} v{Version}, access token now expires {AccessTokenExpiresAt:o} (refresh token ends {RefreshTokenExpiresAt:o})")]
    private static partial void LogRefreshed(ILogger logger, string connectionId, long version, DateTimeOffset accessTokenExpiresAt, DateTimeOffset? refreshTokenExpiresAt);

    [LoggerMessage(EventId = 911, Level = LogLevel.Warning, Message = "Subscriber got ReauthSoon: {ConnectionId} must log in again within {DaysBefore} days (by {Deadline:o}; {Reason})")]
    private static partial void LogSoon(ILogger logger, string connectionId, int daysBefore, DateTimeOffset deadline, ReauthReason reason);

    [LoggerMessage(EventId = 912, Level = LogLevel.Error, Message = "Subscriber got ReauthRequired: {ConnectionId} must log in again now ({Reason}, LinkedIn said {ErrorCode}; access token dies {Deadline:o})")]
    private static partial void LogRequired(ILogger logger, string connectionId, ReauthReason reason, string errorCode, DateTimeOffset? deadline);

    [LoggerMessage(EventId = 914, Level = LogLevel.Information, Message = "Subscriber got PostPublished: {PostId} as {Author} (via {ConnectionId}) is {Urn} at {Url}")]
    private static partial void LogPublished(ILogger logger, string postId, string author, string connectionId, string urn, Uri url);

    [LoggerMessage(EventId = 917, Level = LogLevel.Information, Message = "Subscriber got PostScheduled: {PostId} by {ConnectionId} waits in the ledger until {PublishAt:o}")]
    private static partial void LogScheduled(ILogger logger, string postId, string connectionId, DateTimeOffset publishAt);

    [LoggerMessage(EventId = 918, Level = LogLevel.Information, Message = "Subscriber got PostCancelled: {PostId} by {ConnectionId} will never go out ({Reason})")]
    private static partial void LogCancelled(ILogger logger, string postId, string connectionId, string reason);

    [LoggerMessage(EventId = 927, Level = LogLevel.Information, Message = "Subscriber got PostDeleted: {PostId} ({Urn}) by {ConnectionId} is gone from LinkedIn")]
    private static partial void LogDeleted(ILogger logger, string postId, string urn, string connectionId);

    [LoggerMessage(EventId = 928, Level = LogLevel.Error, Message = "Subscriber got PostOutcomeUnknown: {PostId} by {ConnectionId} may or may not be on LinkedIn: {Reason}")]
    private static partial void LogOutcomeUnknown(ILogger logger, string postId, string connectionId, string reason);

    [LoggerMessage(EventId = 915, Level = LogLevel.Warning, Message = "Subscriber got PostFailed: {PostId} by {ConnectionId} ({FailureClass}): {Reason}; resending could help: {CanResend}")]
    private static partial void LogPostFailed(ILogger logger, string postId, string connectionId, FailureClass failureClass, string reason, bool canResend);

    [LoggerMessage(EventId = 913, Level = LogLevel.Information, Message = "Subscriber got ConnectionRecovered: {ConnectionId} works again after {FailedAttempts} failed attempts ({PreviousFailureClass})")]
    private static partial void LogRecovered(ILogger logger, string connectionId, FailureClass previousFailureClass, int failedAttempts);

    [LoggerMessage(EventId = 916, Level = LogLevel.Information, Message = "Subscriber got PostHeld: {PostId} by {ConnectionId} waits ({Reason}: {Description}) until {Until}")]
    private static partial void LogHeld(ILogger logger, string postId, string connectionId, PostHoldReason reason, string description, string until);
}
