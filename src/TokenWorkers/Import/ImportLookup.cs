using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.Import;

/// <summary>What LinkedIn taught about an import line: the grant to store and its member, or why the line is refused.</summary>
public sealed record ImportLearnt(TokenGrant? Grant, string? MemberUrn, string? Problem);

/// <summary>
/// Learns from LinkedIn what an import line does not say, and checks what it does: token introspection (docs/linkedin-api.md
/// §3.1) says whether the access token is usable, when it expires and when the member authorized; userinfo (§6.1) says whose
/// it is. The line's own times win over LinkedIn's, except that the refresh token's hard end is never later than 365 days
/// after the original authorization (§2.3: using it never extends it).
/// </summary>
public sealed class ImportLookup(ILinkedInOAuth oauth, ILinkedInApi api)
{
    /// <summary>LinkedIn's refresh-token lifetime, counted from the original authorization (§2.3).</summary>
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(365);

    public async Task<ImportLearnt> LearnAsync(ImportLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        TokenResult introspection;
        ApiResult who;
        try
        {
            introspection = await oauth.IntrospectAsync(line.App, line.AccessToken, cancellationToken);
            if (introspection is not TokenIntrospected { Active: true })
            {
                return Refused(Explain(line.App, introspection));
            }

            who = await api.GetMemberAsync(line.AccessToken, cancellationToken);
        }
        catch (LinkedInTransportException)
        {
            return Refused(ImportReasons.LinkedInUnavailable);
        }

        var facts = (TokenIntrospected)introspection;
        var (member, memberProblem) = MemberOf(line, who);
        if (memberProblem is not null)
        {
            return Refused(memberProblem);
        }

        var accessEnds = line.AccessTokenExpiresAt ?? facts.ExpiresAt;
        if (accessEnds is null)
        {
            return Refused($"{ImportReasons.MissingField}: accessTokenExpiresAt (LinkedIn's introspection did not say either)");
        }

        DateTimeOffset? hardEnd = null;
        if (line.RefreshToken is not null)
        {
            var byRule = (line.AuthorizedAt ?? facts.AuthorizedAt) + RefreshTokenLifetime;
            hardEnd = (line.RefreshTokenExpiresAt, byRule) switch
            {
                ({ } stated, { } rule) => stated < rule ? stated : rule,
                (var stated, var rule) => stated ?? rule,
            };
            if (hardEnd is null)
            {
                return Refused($"{ImportReasons.MissingField}: authorizedAt or refreshTokenExpiresAt (LinkedIn's introspection gave no authorization time)");
            }
        }

        return new ImportLearnt(new TokenGrant(line.AccessToken, accessEnds.Value, line.RefreshToken, hardEnd, facts.Scopes), member, null);
    }

    private static (string? Member, string? Problem) MemberOf(ImportLine line, ApiResult who) => who switch
    {
        MemberFound found when line.MemberUrn is { } stated && !string.Equals(stated, found.MemberUrn, StringComparison.Ordinal) =>
            (null, $"{ImportReasons.MemberMismatch}: the line says {stated}, LinkedIn says the token is {found.MemberUrn}'s"),
        MemberFound found => (found.MemberUrn, null),
        ApiRejected { Class: FailureClass.Reauth } rejected => (null, $"{ImportReasons.TokenRejected}: userinfo answered {rejected.Status}"),
        ApiRejected { Class: FailureClass.Transient or FailureClass.RateLimited } => (null, ImportReasons.LinkedInUnavailable),
        // A token without the openid and profile scopes cannot say whose it is; the operator's word is taken then.
        ApiRejected { Class: FailureClass.Permission } when line.MemberUrn is { } stated => (stated, null),
        ApiRejected rejected => (null,
            $"{ImportReasons.MemberUnknown}: userinfo answered {rejected.Status} (the openid and profile scopes are needed) and the line names no memberUrn"),
        _ => (null, $"{ImportReasons.MemberUnknown}: userinfo gave no member"),
    };

    private static string Explain(string app, TokenResult introspection) => introspection switch
    {
        TokenIntrospected inactive => $"{ImportReasons.TokenRejected}: introspection says {inactive.Status ?? "not active"}",
        TokenFailed { Class: FailureClass.Transient or FailureClass.RateLimited } => ImportReasons.LinkedInUnavailable,
        TokenFailed { Class: FailureClass.Configuration } failed =>
            $"LinkedIn refused the client credentials of app '{app}' at introspection ({failed.ErrorCode ?? failed.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture)}); check its client id and secret",
        TokenFailed failed => $"{ImportReasons.TokenRejected}: introspection: {failed.Description}",
        _ => $"{ImportReasons.TokenRejected}: introspection gave no answer",
    };

    private static ImportLearnt Refused(string problem) => new(null, null, problem);
}
