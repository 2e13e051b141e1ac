using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary><c>GET /v2/userinfo</c>: the OpenID Connect profile, with the locale as an object as real responses have it.</summary>
internal sealed class UserInfoEndpoint(ApiAuthenticator authenticator)
{
    public ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        if (error is not null)
        {
            return ValueTask.FromResult(error);
        }

        if (!grant!.Contains(Scopes.OpenId) || !grant.Contains(Scopes.Profile))
        {
            return ValueTask.FromResult(ApiErrors.AccessDenied(call, "userinfo.GET.NO_VERSION"));
        }

        var withEmail = grant.Contains(Scopes.Email) && member!.Email is not null;
        var body = new UserInfoResponse(
            member!.Sub,
            member.Name,
            member.GivenName,
            member.FamilyName,
            $"https://media.licdn.com/dms/image/sandbox/{member.Sub}/profile-displayphoto-shrink_100_100/0",
            new UserInfoLocale(member.Country, member.Language),
            withEmail ? member.Email : null,
            withEmail ? true : null);
        return ValueTask.FromResult(Results.Json(body, SandboxJson.Options));
    }
}
