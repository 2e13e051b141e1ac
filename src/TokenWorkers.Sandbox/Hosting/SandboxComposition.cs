using Microsoft.Extensions.Options;
using TokenWorkers.Sandbox.Api;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Oauth;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Hosting;

/// <summary>One composition for both hosts (standalone <c>Program</c> and in-process <see cref="LinkedInSandbox"/>), so tests run what demos run.</summary>
internal static class SandboxComposition
{
    public static IServiceCollection AddLinkedInSandbox(this IServiceCollection services, TimeProvider? timeProvider)
    {
        services.AddSingleton(sp => new RuntimeKnobs(sp.GetRequiredService<IOptions<SandboxSettings>>().Value));
        services.AddSingleton(new SandboxClock(timeProvider));
        services.AddSingleton(sp => Seeded(sp.GetRequiredService<RuntimeKnobs>().Settings));
        services.AddSingleton(sp => new ConsentScreen(sp.GetRequiredService<RuntimeKnobs>().Settings.AuthorizingMember));
        services.AddSingleton(sp => new RequestLog(sp.GetRequiredService<RuntimeKnobs>().Settings.MaxRecordedRequests));
        services.AddSingleton<TokenStore>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<GrantControl>();
        services.AddSingleton<PostStore>();
        services.AddSingleton<OrganizationDirectory>();
        services.AddSingleton<OrganizationAclsEndpoint>();
        services.AddSingleton<PostRules>();
        services.AddSingleton<DailyLimits>();
        services.AddSingleton<ApiAuthenticator>();
        services.AddSingleton<CallPipeline>();
        services.AddSingleton<AuthorizationEndpoint>();
        services.AddSingleton<TokenEndpoint>();
        services.AddSingleton<IntrospectionEndpoint>();
        services.AddSingleton<RevokeEndpoint>();
        services.AddSingleton<UserInfoEndpoint>();
        services.AddSingleton<ProfileEndpoints>();
        services.AddSingleton<UgcPostsEndpoint>();
        services.AddSingleton<ApiVersions>();
        services.AddSingleton<PostsEndpoint>();
        services.AddSingleton<PostDeleteEndpoint>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<ImageRules>();
        services.AddSingleton<ImagesEndpoint>();
        services.AddSingleton<AssetsEndpoint>();
        services.AddSingleton<ImageUploadEndpoint>();
        services.AddSingleton(sp => new SandboxControl(
            sp.GetRequiredService<Registrations>(),
            sp.GetRequiredService<GrantControl>(),
            sp.GetRequiredService<FaultInjector>(),
            sp.GetRequiredService<RuntimeKnobs>(),
            sp.GetRequiredService<RequestLog>(),
            sp.GetRequiredService<PostStore>(),
            sp.GetRequiredService<OrganizationDirectory>(),
            sp.GetRequiredService<SandboxClock>(),
            sp.GetRequiredService<ConsentScreen>(),
            sp.GetRequiredService<ImageStore>()));
        return services;
    }

    public static WebApplication MapLinkedInSandbox(this WebApplication app)
    {
        var pipeline = app.Services.GetRequiredService<CallPipeline>();
        RequestDelegate Wrap(SandboxEndpoint endpoint, SandboxHandler handler) => pipeline.Wrap(endpoint, handler);
        var services = app.Services;

        // www.linkedin.com
        app.MapGet("/oauth/v2/authorization", Wrap(SandboxEndpoint.Authorization, services.GetRequiredService<AuthorizationEndpoint>().HandleAsync));
        app.MapPost("/oauth/v2/accessToken", Wrap(SandboxEndpoint.AccessToken, services.GetRequiredService<TokenEndpoint>().HandleAsync));
        app.MapPost("/oauth/v2/introspectToken", Wrap(SandboxEndpoint.IntrospectToken, services.GetRequiredService<IntrospectionEndpoint>().HandleAsync));
        app.MapPost("/oauth/v2/revoke", Wrap(SandboxEndpoint.Revoke, services.GetRequiredService<RevokeEndpoint>().HandleAsync));

        // Routing's own 405 has no body; OAuth clients get LinkedIn's error shape for every mistake.
        foreach (var path in new[] { "/oauth/v2/accessToken", "/oauth/v2/introspectToken", "/oauth/v2/revoke" })
        {
            app.MapMethods(path, ["GET", "PUT", "PATCH", "DELETE"], () =>
                Results.Json(new OauthError("invalid_request", "The request method must be POST"), SandboxJson.Options, statusCode: StatusCodes.Status405MethodNotAllowed));
        }

        // api.linkedin.com
        app.MapGet("/v2/userinfo", Wrap(SandboxEndpoint.Userinfo, services.GetRequiredService<UserInfoEndpoint>().HandleAsync));
        app.MapPost("/v2/ugcPosts", Wrap(SandboxEndpoint.UgcPosts, services.GetRequiredService<UgcPostsEndpoint>().HandleAsync));
        app.MapPost("/rest/posts", Wrap(SandboxEndpoint.Posts, services.GetRequiredService<PostsEndpoint>().HandleAsync));
        var deletes = services.GetRequiredService<PostDeleteEndpoint>();
        app.MapDelete("/v2/ugcPosts/{urn}", Wrap(SandboxEndpoint.DeleteUgcPost, deletes.HandleUgcPostsAsync));
        app.MapDelete("/rest/posts/{urn}", Wrap(SandboxEndpoint.DeletePost, deletes.HandlePostsAsync));
        var acls = services.GetRequiredService<OrganizationAclsEndpoint>();
        app.MapGet("/v2/organizationAcls", Wrap(SandboxEndpoint.OrganizationAcls, acls.HandleV2Async));
        app.MapGet("/rest/organizationAcls", Wrap(SandboxEndpoint.RestOrganizationAcls, acls.HandleRestAsync));

        var profiles = services.GetRequiredService<ProfileEndpoints>();
        app.MapGet("/v2/me", Wrap(SandboxEndpoint.Me, profiles.HandleMeAsync));
        app.MapGet("/v2/organizations/{id}", Wrap(SandboxEndpoint.Organization, profiles.HandleV2OrganizationAsync));
        app.MapGet("/rest/organizations/{id}", Wrap(SandboxEndpoint.RestOrganization, profiles.HandleRestOrganizationAsync));

        // Images: api.linkedin.com registers and reads; the upload URLs (www.linkedin.com/dms-uploads, api.linkedin.com/mediaUpload)
        // and the download URL (media.licdn.com) are served here too, on the address the caller used.
        var imagesApi = services.GetRequiredService<ImagesEndpoint>();
        var assets = services.GetRequiredService<AssetsEndpoint>();
        var uploads = services.GetRequiredService<ImageUploadEndpoint>();
        var imageStore = services.GetRequiredService<ImageStore>();
        app.MapPost("/rest/images", Wrap(SandboxEndpoint.InitializeImageUpload, imagesApi.HandleInitializeAsync));
        app.MapGet("/rest/images/{urn}", Wrap(SandboxEndpoint.Image, imagesApi.HandleGetAsync));
        app.MapPut("/dms-uploads/{id}/uploaded-image/0", Wrap(SandboxEndpoint.ImageUpload, uploads.HandleImageAsync));
        app.MapPost("/v2/assets", Wrap(SandboxEndpoint.RegisterAssetUpload, assets.HandleRegisterAsync));
        app.MapGet("/v2/assets/{id}", Wrap(SandboxEndpoint.Asset, assets.HandleGetAsync));
        app.MapMethods("/mediaUpload/{id}/feedshare-uploadedImage/0", ["PUT", "POST"], Wrap(SandboxEndpoint.AssetUpload, uploads.HandleAssetAsync));
        app.MapGet("/dms/image/{id}", (string id) => ImageUploadEndpoint.Download(id, imageStore));

        app.MapSandboxControl();
        return app;
    }

    private static Registrations Seeded(SandboxSettings settings)
    {
        var registrations = new Registrations();
        foreach (var app in settings.Apps)
        {
            registrations.Put(app.ToApp());
        }

        foreach (var member in settings.Members)
        {
            registrations.Put(member.ToMember());
        }

        return registrations;
    }
}
