using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TokenWorkers.Ports;

namespace TokenWorkers.Publishing;

/// <summary>
/// Members' page roles as LinkedIn last listed them, per connection and member, for
/// <see cref="PublishingOptions.OrganizationAccessCacheDuration"/>: a burst of page posts asks LinkedIn once. In this
/// instance's memory only; another instance asks for itself.
/// </summary>
public sealed class OrganizationRoleCache(TimeProvider time, IOptions<PublishingOptions> options)
{
    // Beyond this many entries, expired ones are dropped on the next write, so connections that stopped posting do not pile up.
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(string ConnectionId, string Member), Entry> _entries = new();
    private readonly TimeSpan _duration = options.Value.OrganizationAccessCacheDuration;

    /// <summary>The roles listed for <paramref name="member"/> through <paramref name="connectionId"/> within the duration; null otherwise.</summary>
    public IReadOnlyList<OrganizationRole>? Find(string connectionId, string member) =>
        _entries.TryGetValue((connectionId, member), out var entry) && time.GetUtcNow() < entry.Until ? entry.Roles : null;

    public void Put(string connectionId, string member, IReadOnlyList<OrganizationRole> roles)
    {
        var now = time.GetUtcNow();
        if (_entries.Count > PruneAbove)
        {
            foreach (var stale in _entries.Where(e => e.Value.Until <= now))
            {
                _entries.TryRemove(stale);
            }
        }

        _entries[(connectionId, member)] = new Entry(roles, now + _duration);
    }

    /// <summary>Forgets what was listed for the connection: LinkedIn refused a post the roles allowed, so they are out of date.</summary>
    public void Forget(string connectionId)
    {
        foreach (var key in _entries.Keys.Where(k => k.ConnectionId == connectionId))
        {
            _entries.TryRemove(key, out _);
        }
    }

    private sealed record Entry(IReadOnlyList<OrganizationRole> Roles, DateTimeOffset Until);
}
