namespace TokenWorkers.Sandbox.Control;

// Bodies the /_sandbox control surface accepts (camelCase JSON).

internal sealed record ClockAdvance(double? Days, double? Hours, double? Minutes, double? Seconds, string? Duration);

internal sealed record GrantSeed(string? ClientId, string? MemberSub, string? Scope, IReadOnlyList<string>? Scopes);

internal sealed record FaultInjection(string? Endpoint, string? Fault, int? Count, double? DelayMs);

internal sealed record LatencyChange(double? Milliseconds, string? Endpoint);

internal sealed record AuthorizationChange(AuthorizationDecision? Decision, string? MemberSub);

internal sealed record OptionsChange(double? OldAccessTokenGraceSeconds, RefreshTokenError? RefreshTokenError);

internal sealed record AppRevocation(string? ClientId);

internal sealed record ClockView(DateTimeOffset Now, long EpochSeconds, TimeSpan Offset, bool OwnsClock);

internal sealed record ControlError(string Error, string ErrorDescription);
