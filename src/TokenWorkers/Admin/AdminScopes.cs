namespace TokenWorkers.Admin;

/// <summary>
/// What an admin key may do. Each route names the scope it needs; a key holds a list of them. <see cref="All"/> is every
/// scope, today's and later ones, which is what the single key of earlier versions (<c>Admin:ApiKey</c>) holds, except
/// <see cref="AccessToken"/>: handing a token out is granted only to a key that names that scope itself.
/// </summary>
public static class AdminScopes
{
    /// <summary>Every GET: the connection list, one connection, the status page, posts, the audit trail, key usage.</summary>
    public const string Read = "read";

    /// <summary>Act on connections and posts: force a refresh, disconnect, release a member, resolve a post, re-encrypt.</summary>
    public const string Operate = "operate";

    /// <summary>Mint connect sessions: the links that let a member connect a LinkedIn account.</summary>
    public const string Connect = "connect";

    /// <summary>Send a post through the admin API.</summary>
    public const string Post = "post";

    /// <summary>Import existing connections with their tokens (<c>POST /admin/connections/import</c>); <see cref="Operate"/> may too.</summary>
    public const string Import = "import";

    /// <summary>Call LinkedIn's API as a connection's member through <c>/proxy/linkedin/{connectionId}/…</c>, without seeing its token.</summary>
    public const string Proxy = "proxy";

    /// <summary>
    /// Receive a connection's access token (<c>GET /admin/connections/{id}/access-token</c>, when <c>Proxy:TokenVending:Enabled</c>).
    /// Not part of <see cref="All"/>: a key gets it only by naming it.
    /// </summary>
    public const string AccessToken = "access-token";

    /// <summary>Every scope but <see cref="AccessToken"/>.</summary>
    public const string All = "admin";

    public static IReadOnlyList<string> Known { get; } = [Read, Operate, Connect, Post, Import, Proxy, AccessToken, All];

    /// <summary>The scopes a key bound to tenants may hold: the routes that check a connection's tenant before acting.</summary>
    public static IReadOnlyList<string> TenantBound { get; } = [Proxy, AccessToken];
}

/// <summary>Endpoint metadata: the scope a route needs. A route without it needs <c>read</c> when safe, every scope otherwise.</summary>
public sealed record RequiredScope(string Scope);

/// <summary>
/// The caller of an admin route, as its key identified it. <paramref name="Tenants"/>: the only tenants whose connections
/// the key reaches, or null for every tenant.
/// </summary>
public sealed record AdminIdentity(string Name, IReadOnlySet<string> Scopes, IReadOnlySet<string>? Tenants = null)
{
    public bool Allows(string scope) =>
        scope == AdminScopes.AccessToken
            ? Scopes.Contains(scope)
            : Scopes.Contains(AdminScopes.All) || Scopes.Contains(scope)
              // An operator who may disconnect and refresh any connection may also bring connections in.
              || (scope == AdminScopes.Import && Scopes.Contains(AdminScopes.Operate));

    public bool Reaches(string tenantId) => Tenants is null || Tenants.Contains(tenantId);
}

/// <summary>Endpoint metadata: every call is audited, reads included (handing out a token is one).</summary>
public sealed record AuditEveryCall;

public static class RequiredScopeExtensions
{
    public static TBuilder AuditEveryCall<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditEveryCall());

    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredScope(scope));
}
