namespace TokenWorkers.Sandbox;

/// <summary>
/// One request the sandbox received, as the record keeps it. Tokens and codes appear only as
/// <see cref="TokenFingerprint"/> values, never in clear.
/// </summary>
/// <param name="Sequence">Arrival order, starting at 1 for each sandbox.</param>
/// <param name="Time">The sandbox clock when the request arrived.</param>
/// <param name="Endpoint">Which LinkedIn endpoint was called.</param>
/// <param name="GrantType">The token endpoint's <c>grant_type</c>, when given.</param>
/// <param name="ClientId">The app, when the request named one or its token belongs to one.</param>
/// <param name="MemberSub">The member whose grant the request used.</param>
/// <param name="GrantId">The grant the request used or created.</param>
/// <param name="TokenFingerprint">Fingerprint of the token or code the caller presented.</param>
/// <param name="IssuedTokenFingerprint">Fingerprint of the access token the call issued, if any.</param>
/// <param name="Status">The HTTP status the sandbox answered (or would have, for a dropped connection).</param>
/// <param name="Outcome"><c>ok</c>, LinkedIn's error code (e.g. <c>invalid_request</c>, <c>EXPIRED_ACCESS_TOKEN</c>, <c>DUPLICATE_POST</c>) or <c>fault</c>.</param>
/// <param name="Fault">The injected fault applied to the call (500, 503, 429, delay, drop, 504-after), if any.</param>
/// <param name="PostUrn">The URN of a post the call created, or deleted (also when it was already deleted).</param>
/// <param name="AnsweredAt">
/// The sandbox clock when the answer was ready to go out, after latency and injected delays: between <see cref="Time"/>
/// and this, the caller's call was in flight. Equal to <see cref="Time"/> on a clock that does not move (a fake one).
/// </param>
/// <param name="Host">
/// The host and port the caller addressed (its <c>Host</c> header), e.g. <c>127.0.0.1:41234</c>: callers given different
/// names for the sandbox (<c>localhost</c>, <c>127.0.0.1</c>) can be told apart in the record.
/// </param>
public sealed record SandboxRequest(
    long Sequence,
    DateTimeOffset Time,
    SandboxEndpoint Endpoint,
    string? GrantType,
    string? ClientId,
    string? MemberSub,
    string? GrantId,
    string? TokenFingerprint,
    string? IssuedTokenFingerprint,
    int Status,
    string Outcome,
    string? Fault,
    string? PostUrn,
    DateTimeOffset AnsweredAt,
    string? Host);
