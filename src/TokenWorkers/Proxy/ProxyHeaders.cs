namespace TokenWorkers.Proxy;

/// <summary>
/// Which of the caller's headers reach LinkedIn: those that say how to read the call, nothing that identifies the caller.
/// Authorization, cookies, the admin key, hop-by-hop and forwarding headers never pass; the proxy sets Authorization itself.
/// </summary>
public static class ProxyHeaders
{
    /// <summary>Passed on from the caller (Content-Type travels with the body).</summary>
    public static readonly IReadOnlyList<string> Forwarded = ["LinkedIn-Version", "X-Restli-Protocol-Version", "X-RestLi-Method", "Accept"];

    public static IReadOnlyList<KeyValuePair<string, string>> Pick(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var picked = new List<KeyValuePair<string, string>>();
        foreach (var name in Forwarded)
        {
            foreach (var value in headers[name])
            {
                if (value is { Length: > 0 })
                {
                    picked.Add(KeyValuePair.Create(name, value));
                }
            }
        }

        return picked;
    }
}
