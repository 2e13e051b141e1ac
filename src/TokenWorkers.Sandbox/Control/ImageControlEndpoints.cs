using static TokenWorkers.Sandbox.Control.ControlEndpoints;

namespace TokenWorkers.Sandbox.Control;

/// <summary>
/// <c>/_sandbox/images</c>: the registered uploads of both APIs, how long processing takes, and failures to hand to the next
/// uploads. Faults on the register, upload and status calls go through <c>/_sandbox/faults</c> with their endpoint names.
/// </summary>
internal static class ImageControlEndpoints
{
    public static void MapImageControl(this RouteGroupBuilder api, SandboxControl control)
    {
        api.MapGet("/images", (string? owner) => Json(control.Images.Where(i => owner is null || i.Owner == owner)));
        api.MapGet("/images/processing", () => Json(new { delayMs = control.ImageProcessingDelay.TotalMilliseconds }));
        api.MapPut("/images/processing", Guard(async http =>
        {
            var body = await ReadAsync<ImageProcessingChange>(http);
            control.SetImageProcessingDelay(TimeSpan.FromMilliseconds(body.DelayMs ?? throw new ArgumentException("delayMs is required.")));
            return Json(new { delayMs = control.ImageProcessingDelay.TotalMilliseconds });
        }));
        api.MapPost("/images/fail-next", Guard(async http =>
        {
            var body = http.Request.HasJsonContentType() ? await ReadAsync<ImageFailure>(http) : new ImageFailure(null, null);
            control.FailNextImageProcessing(body.Count ?? 1, body.Reason ?? "The image could not be processed");
            return Results.NoContent();
        }));
    }
}

internal sealed record ImageProcessingChange(double? DelayMs);

internal sealed record ImageFailure(int? Count, string? Reason);
