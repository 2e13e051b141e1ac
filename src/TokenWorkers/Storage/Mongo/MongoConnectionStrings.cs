using System.Text.RegularExpressions;
using MongoDB.Driver;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// Parsing and redaction of connection strings. Whatever the store says about a connection string
/// (validation errors, start-up failures, health) goes through <see cref="Redact"/> first.
/// </summary>
internal static partial class MongoConnectionStrings
{
    private const string Hidden = "***";

    /// <summary>Parses <paramref name="connectionString"/>; returns null on success, or the redacted parse error.</summary>
    public static string? TryParse(string connectionString, out MongoClientSettings? settings)
    {
        try
        {
            settings = MongoClientSettings.FromConnectionString(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
        {
            settings = null;
            return RedactMessage(ex.Message, connectionString);
        }
    }

    /// <summary>
    /// The connection string with the password of its user info, and any option that holds a secret,
    /// replaced by <c>***</c>. Works on strings that do not parse, too; it redacts too much rather than too little.
    /// </summary>
    public static string Redact(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var redacted = UserInfoPassword().Replace(connectionString, m => $"{m.Groups["prefix"].Value}{Hidden}@");
        return SecretOption().Replace(redacted, m => $"{m.Groups["key"].Value}{Hidden}");
    }

    /// <summary><paramref name="message"/> without the connection string's secrets, whether spelled escaped or not.</summary>
    public static string RedactMessage(string message, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(connectionString))
        {
            return message;
        }

        var result = message.Replace(connectionString, Redact(connectionString), StringComparison.Ordinal);
        foreach (var secret in Secrets(connectionString))
        {
            result = result.Replace(secret, Hidden, StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>The hosts a connection string names, for messages: <c>host:port, host:port</c>.</summary>
    public static string DescribeHosts(MongoClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Scheme == MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDBPlusSrv
            ? string.Join(", ", settings.Servers.Select(s => $"mongodb+srv://{s.Host}"))
            : string.Join(", ", settings.Servers.Select(s => $"{s.Host}:{s.Port}"));
    }

    private static IEnumerable<string> Secrets(string connectionString)
    {
        var values = new List<string>();
        var userInfo = UserInfoPassword().Match(connectionString);
        if (userInfo.Success)
        {
            values.Add(userInfo.Groups["secret"].Value);
        }

        values.AddRange(SecretOption().Matches(connectionString).Select(m => m.Groups["value"].Value));
        foreach (var value in values.ToArray())
        {
            try
            {
                values.Add(Uri.UnescapeDataString(value));
            }
            catch (UriFormatException)
            {
                // A value that is not valid percent-encoding only exists in its raw form.
            }
        }

        // Very short values would blank out unrelated text; such a password is shown nowhere else anyway.
        return values.Where(v => v.Length >= 3).Distinct().OrderByDescending(v => v.Length);
    }

    // scheme://user:password@ ... the password runs to the LAST '@', so an unescaped '@' in it is still hidden.
    [GeneratedRegex(@"^(?<prefix>\s*[A-Za-z][A-Za-z0-9+.\-]*://[^:@/?#]*:)(?<secret>.*)@", RegexOptions.Singleline)]
    private static partial Regex UserInfoPassword();

    // Options whose value is a secret: tlsCertificateKeyFilePassword, AWS session tokens in authMechanismProperties, ...
    [GeneratedRegex(@"(?<key>[?&;][^=&;]*(?:password|secret|token|authMechanismProperties)[^=&;]*=)(?<value>[^&;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretOption();
}
