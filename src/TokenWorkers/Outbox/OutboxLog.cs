namespace TokenWorkers.Outbox;

/// <summary>The one writer's log events (300-310).</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Published {Kind} {EventId}")]
    public static partial void Published(ILogger logger, string kind, Guid eventId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning,
        Message = "Events of {AggregateId} (version {Version}) were stored but not published ({Error}); the outbox sweep publishes them")]
    public static partial void LeftForSweep(ILogger logger, string aggregateId, long version, string error);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning,
        Message = "A notice of {AggregateId} (version {Version}) was not published ({Error}); what it announces is dispatched again later")]
    public static partial void NoticeLost(ILogger logger, string aggregateId, long version, string error);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning,
        Message = "A write of {AggregateId} was stored as version {Version} although its answer was lost ({Error}); carrying on as stored")]
    public static partial void OwnWriteRecognised(ILogger logger, string aggregateId, long version, string error);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning,
        Message = "A write of {AggregateId} on version {Version} failed ({Error}) and was not stored; trying it again ({Try} of {MaxTries})")]
    public static partial void WriteRetried(ILogger logger, string aggregateId, long version, string error, int @try, int maxTries);

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Outbox sweep published the pending events of {Count} documents")]
    public static partial void Swept(ILogger logger, int count);
}
