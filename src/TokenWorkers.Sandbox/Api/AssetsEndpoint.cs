using System.Text.Json;
using System.Text.Json.Serialization;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using static TokenWorkers.Sandbox.Api.PostRules;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// The Assets API (docs/linkedin-api.md §10.2): <c>POST /v2/assets?action=registerUpload</c> registers a feedshare image owned
/// by the member or a page they may post for; <c>GET /v2/assets/{id}</c> reads it, readiness in <c>recipes[0].status</c>.
/// </summary>
internal sealed class AssetsEndpoint(ApiAuthenticator authenticator, ImageStore images, ImageRules rules)
{
    private const string ImageRecipe = "urn:li:digitalmediaRecipe:feedshare-image";
    private const string Resource = "assets.ACTION-registerUpload.NO_VERSION";
    private const string RequestPath = "/registerUploadRequest";

    public async ValueTask<IResult> HandleRegisterAsync(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        if (error is not null)
        {
            return error;
        }

        if (http.Request.Headers["X-Restli-Protocol-Version"] != "2.0.0")
        {
            return ApiErrors.BadRequest(call, "The X-Restli-Protocol-Version header must be 2.0.0");
        }

        if (http.Request.Query["action"] != "registerUpload")
        {
            return ApiErrors.BadRequest(call, "POST /v2/assets needs ?action=registerUpload");
        }

        if (!MayPostAtAll(grant!))
        {
            return ApiErrors.AccessDenied(call, Resource);
        }

        var (document, bodyError) = await ReadBodyAsync(http, call);
        if (document is null)
        {
            return bodyError!;
        }

        using (document)
        {
            var (owner, invalid) = Validate(Child(document.RootElement, "registerUploadRequest"), call);
            if (invalid is not null)
            {
                return invalid;
            }

            if (!rules.MayOwn(grant!, member!, owner!))
            {
                return ApiErrors.AccessDenied(call, Resource);
            }

            var asset = images.Register(SandboxImageApi.Assets, owner!, grant!);
            var uploadUrl = $"{ImagesEndpoint.BaseOf(http)}mediaUpload/{asset.Id}/feedshare-uploadedImage/0" +
                            $"?ca=vector_feedshare&cn=uploads&m={asset.UploadKey[..12]}&app=1&sync=0&v=beta&ut={asset.UploadKey}";
            var mechanism = new Dictionary<string, UploadRequest>
            {
                ["com.linkedin.digitalmedia.uploading.MediaUploadHttpRequest"] = new(new Dictionary<string, string>(), uploadUrl),
            };
            return Results.Json(new
            {
                value = new RegisteredUpload(
                    mechanism,
                    $"urn:li:digitalmediaMediaArtifact:({asset.Urn},urn:li:digitalmediaMediaArtifactClass:feedshare-uploadedImage)",
                    asset.Urn),
            }, SandboxJson.Options);
        }
    }

    public ValueTask<IResult> HandleGetAsync(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        if (error is not null)
        {
            return ValueTask.FromResult(error);
        }

        var id = http.GetRouteValue("id") as string ?? "";
        if (images.Find(id) is not { Api: SandboxImageApi.Assets } asset)
        {
            return ValueTask.FromResult(ApiErrors.NotFound(call, $"Asset {id} does not exist"));
        }

        if (!rules.MayOwn(grant!, member!, asset.Owner))
        {
            return ValueTask.FromResult(ApiErrors.AccessDenied(call, "assets.GET.NO_VERSION"));
        }

        var modified = asset.Status == SandboxImageStatus.WaitingUpload ? asset.CreatedAt
            : asset.Status == SandboxImageStatus.Processing ? asset.UploadedAt!.Value
            : asset.ProcessedAt!.Value;
        return ValueTask.FromResult(Results.Json(new AssetView(
            asset.CreatedAt.ToUnixTimeMilliseconds(),
            asset.Id,
            modified.ToUnixTimeMilliseconds(),
            "STILLIMAGE",
            [new AssetRecipe(ImageRecipe, asset.Status)],
            [new ServiceRelationship("urn:li:userGeneratedContent", "OWNER")],
            "ALLOWED"), SandboxJson.Options));
    }

    private static (string? Owner, IResult? Error) Validate(JsonElement request, CallRecord call)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            return (null, ApiErrors.Unprocessable(call, RequestPath, "field is required but not found and has no default value"));
        }

        var recipes = Child(request, "recipes");
        if (recipes.ValueKind != JsonValueKind.Array || recipes.GetArrayLength() == 0)
        {
            return (null, ApiErrors.Unprocessable(call, RequestPath + "/recipes", "field is required but not found and has no default value"));
        }

        if (!recipes.EnumerateArray().Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == ImageRecipe))
        {
            return (null, ApiErrors.Unprocessable(call, RequestPath + "/recipes", $"the sandbox registers {ImageRecipe} only"));
        }

        IResult? error = null;
        var relationships = Child(request, "serviceRelationships");
        if (relationships.ValueKind != JsonValueKind.Array || relationships.GetArrayLength() == 0)
        {
            return (null, ApiErrors.Unprocessable(call, RequestPath + "/serviceRelationships", "field is required but not found and has no default value"));
        }

        var index = 0;
        foreach (var relationship in relationships.EnumerateArray())
        {
            var at = $"{RequestPath}/serviceRelationships/{index++}";
            RequiredString(relationship, "relationshipType", at + "/relationshipType", call, ref error);
            RequiredString(relationship, "identifier", at + "/identifier", call, ref error);
        }

        var owner = RequiredString(request, "owner", RequestPath + "/owner", call, ref error);
        if (error is null && !PersonUrn().IsMatch(owner!) && !OrganizationUrn().IsMatch(owner!))
        {
            error = ApiErrors.Unprocessable(call, RequestPath + "/owner", $"\"{owner}\" does not match urn:li:person:[A-Za-z0-9_-]+|urn:li:organization:\\d+");
        }

        return (error is null ? owner : null, error);
    }
}

internal sealed record UploadRequest(
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("uploadUrl")] string UploadUrl);

internal sealed record RegisteredUpload(
    [property: JsonPropertyName("uploadMechanism")] IReadOnlyDictionary<string, UploadRequest> UploadMechanism,
    [property: JsonPropertyName("mediaArtifact")] string MediaArtifact,
    [property: JsonPropertyName("asset")] string Asset);

/// <summary>The shape of <c>GET /v2/assets/{id}</c> (§10.2).</summary>
internal sealed record AssetView(
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("lastModified")] long LastModified,
    [property: JsonPropertyName("mediaTypeFamily")] string MediaTypeFamily,
    [property: JsonPropertyName("recipes")] IReadOnlyList<AssetRecipe> Recipes,
    [property: JsonPropertyName("serviceRelationships")] IReadOnlyList<ServiceRelationship> ServiceRelationships,
    [property: JsonPropertyName("status")] string Status);

internal sealed record AssetRecipe(
    [property: JsonPropertyName("recipe")] string Recipe,
    [property: JsonPropertyName("status")] string Status);

internal sealed record ServiceRelationship(
    [property: JsonPropertyName("identifier")] string Identifier,
    [property: JsonPropertyName("relationshipType")] string RelationshipType);
