using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Admin;

/// <summary>
/// The admin API key, held only as its SHA-256: a presented key is hashed and compared in constant time, so
/// neither its content nor its length leaks through timing.
/// </summary>
public sealed class AdminKey
{
    private readonly byte[] _hash;

    public AdminKey(IOptions<AdminOptions> options)
    {
        var (key, problem) = Load(options.Value);
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(key!));
    }

    /// <summary>The configured key, or a problem naming the setting (the file's content is never quoted).</summary>
    public static (string? Key, string? Problem) Load(AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            return (options.ApiKey, null);
        }

        if (string.IsNullOrEmpty(options.ApiKeyFile))
        {
            return (null, "Admin:ApiKey or Admin:ApiKeyFile is required when Admin:Enabled is true.");
        }

        try
        {
            return (File.ReadAllText(options.ApiKeyFile).Trim(), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"Admin:ApiKeyFile '{options.ApiKeyFile}' cannot be read: {ex.GetType().Name}.");
        }
    }

    /// <summary>
    /// True when the request carries the key: <c>X-Api-Key: key</c>, <c>Authorization: Bearer key</c>, or, for safe methods
    /// only, HTTP Basic with the key as password (any user name), which lets a browser open the status page. A browser
    /// attaches cached Basic credentials to a form another site posts, so Basic never authorizes a change.
    /// </summary>
    public bool Authorizes(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var presented = Presented(request);
        return presented is not null &&
               CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _hash);
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var apiKey) && apiKey.Count == 1)
        {
            return apiKey[0];
        }

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var authorization) || authorization.Parameter is null)
        {
            return null;
        }

        if (authorization.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return authorization.Parameter;
        }

        if (!authorization.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || !CrossSiteGuard.IsSafe(request.Method))
        {
            return null;
        }

        var buffer = new byte[authorization.Parameter.Length];
        if (!Convert.TryFromBase64String(authorization.Parameter, buffer, out var length))
        {
            return null;
        }

        var credentials = Encoding.UTF8.GetString(buffer, 0, length);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : credentials[(colon + 1)..];
    }
}
