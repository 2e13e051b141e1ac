using System.Collections.Concurrent;

namespace TokenWorkers.Sandbox.State;

/// <summary>Registered apps and members. Replacing an entry is allowed so demos can re-seed freely.</summary>
internal sealed class Registrations
{
    private readonly ConcurrentDictionary<string, SandboxApp> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SandboxMember> _members = new(StringComparer.Ordinal);

    public void Put(SandboxApp app) => _apps[app.ClientId] = app;

    public void Put(SandboxMember member) => _members[member.Sub] = member;

    public SandboxApp? FindApp(string? clientId) =>
        clientId is not null && _apps.TryGetValue(clientId, out var app) ? app : null;

    public SandboxMember? FindMember(string? sub) =>
        sub is not null && _members.TryGetValue(sub, out var member) ? member : null;

    public IReadOnlyList<SandboxApp> Apps => [.. _apps.Values.OrderBy(a => a.ClientId, StringComparer.Ordinal)];

    public IReadOnlyList<SandboxMember> Members => [.. _members.Values.OrderBy(m => m.Sub, StringComparer.Ordinal)];

    /// <summary>Who signs in at the authorization endpoint when nobody was chosen.</summary>
    public SandboxMember? FirstMember => Members is [var first, ..] ? first : null;
}
