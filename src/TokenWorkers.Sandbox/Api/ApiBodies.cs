using System.Text.Json.Serialization;

namespace TokenWorkers.Sandbox.Api;

/// <summary>LinkedIn's API error envelope (status, serviceErrorCode, code, message), in LinkedIn's field order.</summary>
internal sealed record ApiError(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("serviceErrorCode")] int? ServiceErrorCode,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The API gateway's schema-validation body: one <c>ERROR :: /path :: reason</c> line per problem.</summary>
internal sealed record GatewayError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] int Status);

/// <summary>The 422 LinkedIn answers for a duplicate post.</summary>
internal sealed record DuplicatePostError(
    [property: JsonPropertyName("errorDetailType")] string ErrorDetailType,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("errorDetails")] DuplicatePostDetails ErrorDetails,
    [property: JsonPropertyName("status")] int Status);

internal sealed record DuplicatePostDetails([property: JsonPropertyName("inputErrors")] IReadOnlyList<InputError> InputErrors);

internal sealed record InputError(
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("input")] EmptyObject Input,
    [property: JsonPropertyName("code")] string Code);

internal sealed record EmptyObject;

internal sealed record UserInfoResponse(
    [property: JsonPropertyName("sub")] string Sub,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("given_name")] string GivenName,
    [property: JsonPropertyName("family_name")] string FamilyName,
    [property: JsonPropertyName("picture")] string Picture,
    [property: JsonPropertyName("locale")] UserInfoLocale Locale,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("email_verified")] bool? EmailVerified);

internal sealed record UserInfoLocale(
    [property: JsonPropertyName("country")] string Country,
    [property: JsonPropertyName("language")] string Language);

internal sealed record CreatedPost([property: JsonPropertyName("id")] string Id);
