namespace TokenWorkers.Connections;

/// <summary>Which keys the stored tokens are under: what tells an operator whether an old key can be removed yet.</summary>
/// <param name="ActiveKeyId">The key every new write uses.</param>
/// <param name="ConnectionsByKeyId">Connections holding at least one token under each key id; a key with none is absent.</param>
/// <param name="Unreadable">Connections flagged as unreadable.</param>
public sealed record KeyUsage(string ActiveKeyId, IReadOnlyDictionary<string, long> ConnectionsByKeyId, long Unreadable)
{
    /// <summary>Connections with a token under a key other than the active one: those the re-encryption sweep rewrites.</summary>
    public long UnderOtherKeys => ConnectionsByKeyId.Where(k => k.Key != ActiveKeyId).Sum(k => k.Value);
}
