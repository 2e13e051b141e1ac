using TokenWorkers.Connections;

namespace TokenWorkers.Tests.TestSupport;

/// <summary>Fixed, readable values shared by tests.</summary>
internal static class The
{
    public static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    public const string TenantId = "tenant-acme";
    public const string ConnectionId = "conn-ada";

    /// <summary>The W3C traceparent of a write that decided an event (trace 4bf9…, span 00f0…, sampled).</summary>
    public const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    public const string MemberUrn = "urn:li:person:ada-lovelace-4f2a";

    // Distinctive enough to search for in raw storage bytes.
    public const string AccessTokenValue = "AQV-access-token-of-ada-7b1e0c52d9";
    public const string RefreshTokenValue = "AQX-refresh-token-of-ada-94d2fa31c6";

    public static SecretToken AccessToken => new(AccessTokenValue);

    public static SecretToken RefreshToken => new(RefreshTokenValue);

    // Test-only keys, generated for this file; they protect nothing real.
    public const string KeyAId = "key-2025";
    public const string KeyA = "HZWIdX40645OWE4m7Z5UKITO8tvXnfdVh0Itn26c8RY=";
    public const string KeyBId = "key-2026";
    public const string KeyB = "3sInLgsARdCgFNz0xYt6KAzzLGVjR0J+Cq2TRSRxtu4=";

    /// <summary>A valid key under <see cref="KeyAId"/>'s name but with other bytes: what a mistyped setting looks like.</summary>
    public const string OtherValueForKeyA = "M5+6A0U3WUgx06mXvgUtDLxGZLQKui2jBDEh07pwaCU=";

    public static IReadOnlyDictionary<string, string> Keys { get; } =
        new Dictionary<string, string> { [KeyAId] = KeyA, [KeyBId] = KeyB };
}
