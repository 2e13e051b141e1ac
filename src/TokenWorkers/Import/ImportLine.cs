using System.Globalization;
using System.Text.Json;
using TokenWorkers.Connect;
using TokenWorkers.Connections;

namespace TokenWorkers.Import;

/// <summary>
/// One line of an import: a connection with its tokens and whatever the earlier system knew of their expiries, its
/// authorization and its member. Missing facts are learnt from LinkedIn (<see cref="ImportLookup"/>).
/// </summary>
public sealed record ImportLine(
    string ConnectionId,
    string TenantId,
    SecretToken AccessToken,
    SecretToken? RefreshToken,
    DateTimeOffset? AccessTokenExpiresAt,
    DateTimeOffset? RefreshTokenExpiresAt,
    DateTimeOffset? AuthorizedAt,
    string? MemberUrn,
    string App = Connection.DefaultApp)
{
    public const string MemberUrnPrefix = "urn:li:person:";

    /// <summary>
    /// The line read from its JSON, or why it cannot be imported. A reason never quotes the line: it may hold a token.
    /// Unknown properties are ignored; times are ISO 8601 strings with an offset.
    /// </summary>
    public static (ImportLine? Line, string? ConnectionId, string? Problem) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            return (null, null, $"{ImportReasons.BadJson} at byte {ex.BytePositionInLine ?? 0}");
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, $"{ImportReasons.BadJson}: a line must be one JSON object");
            }

            string? problem = null;
            var id = Text(root, "connectionId", ref problem);
            var tenant = Text(root, "tenantId", ref problem);
            var access = Text(root, "accessToken", ref problem);
            var refresh = Text(root, "refreshToken", ref problem);
            var app = Text(root, "app", ref problem);
            var member = Text(root, "memberUrn", ref problem);
            var accessEnds = Time(root, "accessTokenExpiresAt", ref problem);
            var refreshEnds = Time(root, "refreshTokenExpiresAt", ref problem);
            var authorized = Time(root, "authorizedAt", ref problem);
            problem ??= Missing(("connectionId", id), ("tenantId", tenant), ("accessToken", access));
            problem ??= ConnectRequestRules.CheckIds(id, tenant) is { } idProblem ? $"{ImportReasons.InvalidField}: {idProblem}" : null;
            problem ??= member is null || (member.StartsWith(MemberUrnPrefix, StringComparison.Ordinal) && member.Length > MemberUrnPrefix.Length)
                ? null
                : $"{ImportReasons.InvalidField}: memberUrn must be {MemberUrnPrefix}{{id}}";
            if (problem is not null)
            {
                return (null, id, problem);
            }

            return (new ImportLine(id!, tenant!, new SecretToken(access!), refresh is null ? null : new SecretToken(refresh),
                accessEnds, refreshEnds, authorized, member, app ?? Connection.DefaultApp), id, null);
        }
    }

    private static string? Missing(params (string Name, string? Value)[] fields) =>
        fields.FirstOrDefault(f => string.IsNullOrEmpty(f.Value)).Name is { } name ? $"{ImportReasons.MissingField}: {name}" : null;

    private static string? Text(JsonElement root, string name, ref string? problem)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problem ??= $"{ImportReasons.InvalidField}: {name} must be a string";
            return null;
        }

        var text = value.GetString();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static DateTimeOffset? Time(JsonElement root, string name, ref string? problem)
    {
        if (Text(root, name, ref problem) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUniversalTime();
        }

        problem ??= $"{ImportReasons.InvalidField}: {name} must be an ISO 8601 time";
        return null;
    }
}
