using System.ComponentModel.DataAnnotations;

namespace TokenWorkers.Proxy;

/// <summary>
/// The LinkedIn proxy (section <c>Proxy</c>): <c>/proxy/linkedin/{connectionId}/{path}</c> passes a call to LinkedIn's API
/// base (<c>LinkedIn:ApiBaseUrl</c>) with the connection's access token, for a key holding the <c>proxy</c> scope. Off
/// unless enabled; it needs the admin API (<c>Admin:Enabled</c>), whose keys it uses.
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    public bool Enabled { get; set; }

    /// <summary>The largest request body passed on (bytes; default 1 MiB): a larger one answers 413 and nothing is sent.</summary>
    [Range(typeof(long), "1", "104857600")]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest answer passed back (bytes; default 8 MiB): a longer one answers 502 <c>response_too_large</c>.</summary>
    [Range(typeof(long), "1", "1073741824")]
    public long MaxResponseBodyBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Tag the <c>tokenworkers.proxy.calls</c> metric with the connection id too. Off by default: every connection becomes a
    /// series of its own, which a fleet of thousands makes too many for most metric stores.
    /// </summary>
    public bool MetricsPerConnection { get; set; }

    /// <summary>Handing a connection's access token to a caller (<c>GET /admin/connections/{id}/access-token</c>).</summary>
    public TokenVendingOptions TokenVending { get; } = new();
}

/// <summary>Token vending (section <c>Proxy:TokenVending</c>): off by default; each call is audited.</summary>
public sealed class TokenVendingOptions
{
    /// <summary>
    /// Let a key holding the <c>access-token</c> scope (which <c>admin</c> does not include) receive a connection's access
    /// token. The proxy keeps tokens inside; turn this on only for a team that must call LinkedIn directly.
    /// </summary>
    public bool Enabled { get; set; }
}
