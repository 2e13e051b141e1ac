namespace TokenWorkers.Sandbox.State;

/// <summary>
/// The settings a running sandbox may change through its control surface. Each value is read
/// on every request, so they sit in plain fields read with volatile semantics instead of behind a lock.
/// </summary>
internal sealed class RuntimeKnobs
{
    private readonly long[] _latencyTicks = new long[SandboxEndpoints.All.Length];
    private long _defaultLatencyTicks;
    private long _oldTokenGraceTicks;
    private int _refreshTokenError;
    private long _imageProcessingTicks;

    public RuntimeKnobs(SandboxSettings settings)
    {
        Settings = settings;
        _defaultLatencyTicks = settings.Latency.Ticks;
        Array.Fill(_latencyTicks, -1);
        foreach (var (name, latency) in settings.EndpointLatency)
        {
            if (SandboxEndpoints.TryParse(name, out var endpoint))
            {
                _latencyTicks[(int)endpoint] = latency.Ticks;
            }
        }

        _oldTokenGraceTicks = settings.OldAccessTokenGrace.Ticks;
        _refreshTokenError = (int)settings.RefreshTokenError;
        _imageProcessingTicks = settings.ImageProcessingDelay.Ticks;
    }

    /// <summary>The settings the sandbox started with; fixed for its lifetime.</summary>
    public SandboxSettings Settings { get; }

    public TimeSpan OldAccessTokenGrace
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _oldTokenGraceTicks));
        set => Volatile.Write(ref _oldTokenGraceTicks, value.Ticks);
    }

    public RefreshTokenError RefreshTokenError
    {
        get => (RefreshTokenError)Volatile.Read(ref _refreshTokenError);
        set => Volatile.Write(ref _refreshTokenError, (int)value);
    }

    /// <summary>How long, on the sandbox clock, an uploaded image stays <c>PROCESSING</c>.</summary>
    public TimeSpan ImageProcessingDelay
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _imageProcessingTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Volatile.Write(ref _imageProcessingTicks, value.Ticks);
        }
    }

    public TimeSpan LatencyOf(SandboxEndpoint endpoint)
    {
        var ticks = Volatile.Read(ref _latencyTicks[(int)endpoint]);
        return TimeSpan.FromTicks(ticks >= 0 ? ticks : Volatile.Read(ref _defaultLatencyTicks));
    }

    /// <summary>Sets one endpoint's latency, or the default for all endpoints without their own when <paramref name="endpoint"/> is null.</summary>
    public void SetLatency(TimeSpan latency, SandboxEndpoint? endpoint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        if (endpoint is { } one)
        {
            Volatile.Write(ref _latencyTicks[(int)one], latency.Ticks);
        }
        else
        {
            Volatile.Write(ref _defaultLatencyTicks, latency.Ticks);
        }
    }

    /// <summary>Drops every per-endpoint latency and sets the default.</summary>
    public void ResetLatency(TimeSpan latency)
    {
        for (var i = 0; i < _latencyTicks.Length; i++)
        {
            Volatile.Write(ref _latencyTicks[i], -1);
        }

        SetLatency(latency, null);
    }

    public IReadOnlyDictionary<string, TimeSpan> Latencies =>
        SandboxEndpoints.All.ToDictionary(e => e.Name(), LatencyOf);
}
