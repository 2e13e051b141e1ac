using System.Globalization;
using System.Text.Json;
using System.Xml;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.Oauth;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Control;

/// <summary>
/// The <c>/_sandbox/...</c> HTTP surface: the same operations as <see cref="SandboxControl"/>, JSON in
/// and out, on paths LinkedIn does not use. Errors: 400 bad input, 404 unknown id, 409 not possible now.
/// </summary>
internal static class ControlEndpoints
{
    public static void MapSandboxControl(this IEndpointRouteBuilder routes)
    {
        var control = routes.ServiceProvider.GetRequiredService<SandboxControl>();
        var logger = routes.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("TokenWorkers.Sandbox.Control");
        var api = routes.MapGroup("/_sandbox");

        api.MapGet("/clock", () => Json(Clock(control)));
        api.MapPost("/clock/advance", Guard(async http =>
        {
            var body = await ReadAsync<ClockAdvance>(http);
            var by = Duration(body);
            control.AdvanceClock(by);
            Log.ClockAdvanced(logger, by, control.Now);
            return Json(Clock(control));
        }));

        api.MapGet("/apps", () => Json(control.Apps));
        api.MapPost("/apps", Guard(async http =>
        {
            var body = await ReadAsync<SandboxAppSettings>(http);
            return Json(control.CreateApp(body.ToApp()), StatusCodes.Status201Created);
        }));

        api.MapGet("/members", () => Json(control.Members));
        api.MapPost("/members", Guard(async http =>
        {
            var body = await ReadAsync<SandboxMemberSettings>(http);
            var member = SandboxMembers.New(body.Sub, body.Name, body.Email, body.GivenName, body.FamilyName, body.Country, body.Language);
            return Json(control.CreateMember(member), StatusCodes.Status201Created);
        }));
        api.MapPost("/members/{sub}/revoke-app", Guard(async http =>
        {
            var body = await ReadAsync<AppRevocation>(http);
            var revoked = control.RevokeApp(Route(http, "sub"), Required(body.ClientId, "clientId"));
            return Json(new { revokedGrants = revoked });
        }));

        api.MapGet("/grants", (string? clientId, string? memberSub) => Json(control.Grants
            .Where(g => clientId is null || g.ClientId == clientId)
            .Where(g => memberSub is null || g.MemberSub == memberSub)));
        api.MapGet("/grants/{grantId}", Guard(http => Task.FromResult(Json(
            control.FindGrant(Route(http, "grantId")) ?? throw new KeyNotFoundException($"No grant has id \"{Route(http, "grantId")}\".")))));
        api.MapPost("/grants", Guard(async http =>
        {
            var body = await ReadAsync<GrantSeed>(http);
            var scopes = body.Scopes ?? (body.Scope is null ? [] : [body.Scope]);
            var seeded = control.SeedGrant(Required(body.ClientId, "clientId"), Required(body.MemberSub, "memberSub"), scopes);
            var response = new TokenResponse(seeded.AccessToken, seeded.ExpiresIn, seeded.RefreshToken, seeded.RefreshTokenExpiresIn, seeded.Scope, seeded.TokenType, seeded.IdToken, seeded.GrantId);
            return Json(response, StatusCodes.Status201Created);
        }));
        MapGrantAction(api, "revoke", control.RevokeGrant);
        MapGrantAction(api, "expire", control.ExpireGrant);
        MapGrantAction(api, "rotate-next-refresh-token", id => control.RotateNextRefreshToken(id));
        MapGrantAction(api, "omit-next-refresh-token", id => control.OmitNextRefreshToken(id));
        api.MapPost("/refresh/rotate-next", () =>
        {
            control.RotateNextRefreshToken();
            return Results.NoContent();
        });
        api.MapPost("/refresh/omit-next", () =>
        {
            control.OmitNextRefreshToken();
            return Results.NoContent();
        });

        api.MapGet("/faults", () => Json(control.PendingFaults));
        api.MapPost("/faults", Guard(async http =>
        {
            var body = await ReadAsync<FaultInjection>(http);
            var endpoint = Endpoint(Required(body.Endpoint, "endpoint"));
            if (!SandboxFault.TryParse(body.Fault, TimeSpan.FromMilliseconds(body.DelayMs ?? 0), out var fault))
            {
                throw new ArgumentException("fault must be one of 500, 503, 429, delay, drop, 504-after.");
            }

            var count = body.Count ?? 1;
            control.InjectFault(endpoint, fault!, count);
            Log.FaultInjected(logger, count, endpoint.Name(), fault!.Name);
            return Json(control.PendingFaults);
        }));
        api.MapDelete("/faults", () =>
        {
            control.ClearFaults();
            return Results.NoContent();
        });

        api.MapGet("/latency", () => Json(Latencies(control)));
        api.MapPut("/latency", Guard(async http =>
        {
            var body = await ReadAsync<LatencyChange>(http);
            var latency = TimeSpan.FromMilliseconds(body.Milliseconds ?? throw new ArgumentException("milliseconds is required."));
            control.SetLatency(latency, body.Endpoint is null ? null : Endpoint(body.Endpoint));
            return Json(Latencies(control));
        }));

        api.MapGet("/authorization", () => Json(new { decision = control.AuthorizationDecision, memberSub = control.AuthorizingMember }));
        api.MapPut("/authorization", Guard(async http =>
        {
            var body = await ReadAsync<AuthorizationChange>(http);
            control.SetAuthorization(body.Decision ?? control.AuthorizationDecision, body.MemberSub);
            return Json(new { decision = control.AuthorizationDecision, memberSub = control.AuthorizingMember });
        }));

        api.MapPut("/options", Guard(async http =>
        {
            var body = await ReadAsync<OptionsChange>(http);
            if (body.OldAccessTokenGraceSeconds is { } grace)
            {
                control.SetOldAccessTokenGrace(TimeSpan.FromSeconds(grace));
            }

            if (body.RefreshTokenError is { } error)
            {
                control.SetRefreshTokenError(error);
            }

            return Results.NoContent();
        }));

        api.MapGet("/requests", Guard(http => Task.FromResult(Json(Requests(control, http.Request.Query)))));
        api.MapDelete("/requests", () =>
        {
            control.ResetRequests();
            return Results.NoContent();
        });

        api.MapGet("/posts", (string? author) => Json(control.Posts.Where(p => author is null || p.Author == author)));
        api.MapOrganizationControl(control);
        api.MapImageControl(control);
    }

    private static void MapGrantAction(RouteGroupBuilder api, string action, Action<string> apply) =>
        api.MapPost("/grants/{grantId}/" + action, Guard(http =>
        {
            apply(Route(http, "grantId"));
            return Task.FromResult(Results.NoContent());
        }));

    private static object Requests(SandboxControl control, IQueryCollection query)
    {
        string? Get(string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
        SandboxEndpoint? endpoint = Get("endpoint") is { } name ? Endpoint(name) : null;
        var status = Get("status") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : (int?)null;
        var since = Get("since") is { } after ? long.Parse(after, CultureInfo.InvariantCulture) : 0;
        var fingerprint = Get("fingerprint");
        var matches = control.Requests
            .Where(r => r.Sequence > since)
            .Where(r => endpoint is null || r.Endpoint == endpoint)
            .Where(r => status is null || r.Status == status)
            .Where(r => Matches(Get("grantType"), r.GrantType) && Matches(Get("clientId"), r.ClientId)
                && Matches(Get("memberSub"), r.MemberSub) && Matches(Get("grantId"), r.GrantId) && Matches(Get("outcome"), r.Outcome))
            .Where(r => fingerprint is null || r.TokenFingerprint == fingerprint || r.IssuedTokenFingerprint == fingerprint)
            .ToList();
        var limit = Get("limit") is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : int.MaxValue;
        return new { count = matches.Count, requests = matches.TakeLast(limit) };

        static bool Matches(string? wanted, string? actual) => wanted is null || string.Equals(wanted, actual, StringComparison.Ordinal);
    }

    private static Dictionary<string, double> Latencies(SandboxControl control) =>
        control.Latencies.ToDictionary(l => l.Key, l => l.Value.TotalMilliseconds);

    private static ClockView Clock(SandboxControl control)
    {
        var now = control.Now;
        return new ClockView(now, now.ToUnixTimeSeconds(), now - TimeProvider.System.GetUtcNow(), control.OwnsClock);
    }

    private static TimeSpan Duration(ClockAdvance body)
    {
        var by = TimeSpan.FromDays(body.Days ?? 0) + TimeSpan.FromHours(body.Hours ?? 0)
            + TimeSpan.FromMinutes(body.Minutes ?? 0) + TimeSpan.FromSeconds(body.Seconds ?? 0);
        if (body.Duration is { } text)
        {
            by += TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed
                : text.StartsWith('P') ? XmlConvert.ToTimeSpan(text)
                : throw new ArgumentException($"duration \"{text}\" is neither d.hh:mm:ss nor ISO 8601 (P59D).");
        }

        return by;
    }

    private static SandboxEndpoint Endpoint(string name) =>
        SandboxEndpoints.TryParse(name, out var endpoint)
            ? endpoint
            : throw new ArgumentException($"endpoint must be one of {string.Join(", ", SandboxEndpoints.All.Select(e => e.Name()))}.");

    internal static string Required(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{name} is required.") : value;

    internal static string Route(HttpContext http, string name) => (string)http.GetRouteValue(name)!;

    internal static async Task<T> ReadAsync<T>(HttpContext http)
    {
        if (http.Request.ContentLength == 0 || !http.Request.HasJsonContentType())
        {
            throw new ArgumentException("A JSON body with Content-Type application/json is required.");
        }

        return await http.Request.ReadFromJsonAsync<T>(SandboxJson.Options, http.RequestAborted)
            ?? throw new ArgumentException("A JSON body is required.");
    }

    internal static IResult Json(object? value, int status = StatusCodes.Status200OK) =>
        Results.Json(value, SandboxJson.Options, statusCode: status);

    /// <summary>Turns the control API's exceptions into JSON errors; never a 500 for bad input.</summary>
    internal static RequestDelegate Guard(Func<HttpContext, Task<IResult>> handle) => async http =>
    {
        IResult result;
        try
        {
            result = await handle(http);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException
            or ArgumentException or KeyNotFoundException or BadHttpRequestException)
        {
            var (status, error) = ex switch
            {
                KeyNotFoundException => (404, "not_found"),
                InvalidOperationException => (409, "conflict"),
                _ => (400, "invalid_request"),
            };
            result = Json(new ControlError(error, ex.Message), status);
        }

        await result.ExecuteAsync(http);
    };
}
