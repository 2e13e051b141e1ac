namespace TokenWorkers.Admin;

/// <summary>
/// What an admin key may do. Each route names the scope it needs; a key holds a list of them. <see cref="All"/> is every
/// scope, today's and later ones, which is what the single key of earlier versions (<c>Admin:ApiKey</c>) holds.
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

    /// <summary>Every scope.</summary>
    public const string All = "admin";

    public static IReadOnlyList<string> Known { get; } = [Read, Operate, Connect, Post, Import, All];
}

/// <summary>Endpoint metadata: the scope a route needs. A route without it needs <c>read</c> when safe, every scope otherwise.</summary>
public sealed record RequiredScope(string Scope);

/// <summary>The caller of an admin route, as its key identified it.</summary>
public sealed record AdminIdentity(string Name, IReadOnlySet<string> Scopes)
{
    public bool Allows(string scope) =>
        Scopes.Contains(AdminScopes.All) || Scopes.Contains(scope)
        // An operator who may disconnect and refresh any connection may also bring connections in.
        || (scope == AdminScopes.Import && Scopes.Contains(AdminScopes.Operate));
}

public static class RequiredScopeExtensions
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiredScope(scope));
}
