namespace TokenWorkers.Sandbox.State;

/// <summary>
/// The sandbox's only source of time. Either a provider the host injected (tests with a
/// FakeTimeProvider own the clock then) or system time plus an offset that the control surface
/// moves forward, so a standalone sandbox can jump 59 days without anyone waiting.
/// </summary>
internal sealed class SandboxClock
{
    private readonly TimeProvider _time;
    private long _offsetTicks;

    public SandboxClock(TimeProvider? injected)
    {
        _time = injected ?? TimeProvider.System;
        IsOwned = injected is null;
    }

    /// <summary>True when the sandbox moves its own clock; false when the host injected one.</summary>
    public bool IsOwned { get; }

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public DateTimeOffset UtcNow => _time.GetUtcNow() + Offset;

    public DateTimeOffset Advance(TimeSpan by)
    {
        if (!IsOwned)
        {
            throw new InvalidOperationException(
                "The sandbox runs on an injected TimeProvider; advance that provider instead.");
        }

        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), by, "The sandbox clock only moves forward.");
        }

        Interlocked.Add(ref _offsetTicks, by.Ticks);
        return UtcNow;
    }
}
