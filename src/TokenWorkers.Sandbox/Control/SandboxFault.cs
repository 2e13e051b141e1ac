namespace TokenWorkers.Sandbox;

/// <summary>What an injected fault does to one call.</summary>
public enum SandboxFaultKind
{
    /// <summary>Answer 500 without processing.</summary>
    InternalServerError,

    /// <summary>Answer 503 without processing.</summary>
    ServiceUnavailable,

    /// <summary>Answer 429 (LinkedIn's infrastructure-protection throttle) without processing.</summary>
    TooManyRequests,

    /// <summary>Wait a real wall-clock delay, then process normally.</summary>
    Delay,

    /// <summary>Process the call (the post is created, the token issued), then abort the connection instead of answering.</summary>
    DropAfterProcessing,

    /// <summary>Process the call, then answer 504 as a gateway does when the backend finished after the gateway gave up.</summary>
    GatewayTimeoutAfterProcessing,
}

/// <summary>A fault to apply to a call; build one with the static members.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="Duration">The wall-clock delay for <see cref="SandboxFaultKind.Delay"/>; zero otherwise.</param>
public sealed record SandboxFault(SandboxFaultKind Kind, TimeSpan Duration = default)
{
    public static SandboxFault InternalServerError { get; } = new(SandboxFaultKind.InternalServerError);

    public static SandboxFault ServiceUnavailable { get; } = new(SandboxFaultKind.ServiceUnavailable);

    public static SandboxFault TooManyRequests { get; } = new(SandboxFaultKind.TooManyRequests);

    public static SandboxFault DropAfterProcessing { get; } = new(SandboxFaultKind.DropAfterProcessing);

    public static SandboxFault GatewayTimeoutAfterProcessing { get; } = new(SandboxFaultKind.GatewayTimeoutAfterProcessing);

    /// <summary>A real delay (never the sandbox clock, which a test may have frozen).</summary>
    public static SandboxFault Delay(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return new(SandboxFaultKind.Delay, duration);
    }

    /// <summary>The short name used in the record and on the control surface: 500, 503, 429, delay, drop, 504-after.</summary>
    public string Name => Kind switch
    {
        SandboxFaultKind.InternalServerError => "500",
        SandboxFaultKind.ServiceUnavailable => "503",
        SandboxFaultKind.TooManyRequests => "429",
        SandboxFaultKind.Delay => "delay",
        SandboxFaultKind.DropAfterProcessing => "drop",
        SandboxFaultKind.GatewayTimeoutAfterProcessing => "504-after",
        _ => Kind.ToString(),
    };

    /// <summary>Parses the control surface's names (500, 503, 429, delay, drop, 504-after).</summary>
    public static bool TryParse(string? name, TimeSpan delay, out SandboxFault? fault)
    {
        fault = name?.Trim().ToUpperInvariant() switch
        {
            "500" or "INTERNALSERVERERROR" => InternalServerError,
            "503" or "SERVICEUNAVAILABLE" => ServiceUnavailable,
            "429" or "TOOMANYREQUESTS" => TooManyRequests,
            "DELAY" => Delay(delay),
            "DROP" or "DROPAFTERPROCESSING" => DropAfterProcessing,
            "504-AFTER" or "GATEWAYTIMEOUTAFTERPROCESSING" => GatewayTimeoutAfterProcessing,
            _ => null,
        };
        return fault is not null;
    }
}
