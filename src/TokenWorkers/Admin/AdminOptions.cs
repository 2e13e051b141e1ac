using Microsoft.Extensions.Options;

namespace TokenWorkers.Admin;

/// <summary>
/// The admin API and status page (section <c>Admin</c>): off unless enabled. Keys are secrets: from the environment or
/// mounted files, never from committed settings. Named keys with scopes (<see cref="Keys"/>, <see cref="KeysFile"/>) are
/// the way to give each caller its own key; <see cref="ApiKey"/>/<see cref="ApiKeyFile"/> is one key named <c>admin</c>
/// with every scope, as in earlier versions. Keys and key files are re-read when they change: no restart to rotate.
/// </summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>Keys shorter than this are refused: they could be guessed.</summary>
    public const int MinKeyLength = 24;

    public bool Enabled { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>A file holding the key (a Docker or Kubernetes secret); surrounding whitespace is ignored.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>Named keys, each with its scopes (<see cref="AdminScopes"/>).</summary>
    public IList<AdminKeyOptions> Keys { get; } = [];

    /// <summary>
    /// A JSON file of named keys held as hashes: <c>{"keys":[{"name":"ops","sha256":"…","scopes":["read","operate"]}]}</c>.
    /// Mount it from a secret store and edit it to add, rotate or remove keys while the worker runs.
    /// </summary>
    public string? KeysFile { get; set; }

    /// <summary>The most connections one list call or status page shows; the rest are reached by paging.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// The largest body <c>POST /admin/connections/import</c> reads (bytes; default 64 MiB, about 200,000 lines): a larger
    /// declared length answers 413; a chunked body that grows past it stops being read there, and the summary says so.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(long), "1024", "1073741824")]
    public long ImportMaxBodyBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>One named key: exactly one of <see cref="Key"/>, <see cref="KeyFile"/> or <see cref="Sha256"/>.</summary>
public sealed class AdminKeyOptions
{
    /// <summary>Who calls with this key; recorded in the audit trail and logs. Letters, digits, '.', '_' and '-'.</summary>
    public string? Name { get; set; }

    public string? Key { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>The SHA-256 of the key, in hex: the key itself then appears in no setting at all.</summary>
    public string? Sha256 { get; set; }

    public IList<string> Scopes { get; } = [];

    /// <summary>
    /// When set, the key reaches only these tenants' connections; such a key may hold only the <c>proxy</c> and
    /// <c>access-token</c> scopes, the routes that check a connection's tenant. Empty: every tenant.
    /// </summary>
    public IList<string> Tenants { get; } = [];
}

public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>(AdminKeySet.Build(options).Problems);
        if (options.PageSize is < 1 or > 10_000)
        {
            failures.Add("Admin:PageSize must be between 1 and 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
