using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Admin;

/// <summary>The operator's side of an unknown outcome: a post stopped because its answer was lost and it could not be settled safely.</summary>
public sealed partial class AdminApiTests
{
    [Fact]
    public async Task A_scheduled_post_is_cancelled_by_a_key_with_the_operate_scope_and_announced_once()
    {
        await Connect("canceller-1");
        var ledger = _environment.Worker.Services.GetRequiredService<IPostLedger>();
        var now = DateTimeOffset.UtcNow;
        Assert.NotNull(await ledger.TryInsertAsync(new PostEntry
        {
            PostId = "scheduled-1",
            ConnectionId = "canceller-1",
            Content = new PostContent("Later", PostVisibility.Public),
            State = PostState.Scheduled,
            PublishAt = now.AddHours(1),
            NotBefore = now.AddHours(1),
            CreatedAt = now,
            UpdatedAt = now,
        }, Cancel));

        using var reader = await SendAsync("POST", "admin/posts/scheduled-1/cancel", ReaderKey);
        var cancelled = await PostJsonAsync("admin/posts/scheduled-1/cancel?reason=campaign%20pulled", HttpStatusCode.OK);
        var again = await PostJsonAsync("admin/posts/scheduled-1/cancel", HttpStatusCode.OK);
        await PostJsonAsync("admin/posts/nowhere/cancel", HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal("Cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal("campaign pulled (admin)", cancelled.GetProperty("cancelReason").GetString());
        Assert.Equal(cancelled.GetProperty("version").GetInt64(), again.GetProperty("version").GetInt64());
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Posts<PostCancelled>("scheduled-1").Count == 1,
            "PostCancelled at the other service", TimeSpan.FromSeconds(30));
        Assert.Equal("campaign pulled (admin)", _environment.OtherService.Posts<PostCancelled>("scheduled-1")[0].Reason);
        Assert.Empty(_environment.Sandbox.Control.Posts);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_published_post_is_deleted_by_a_key_with_the_operate_scope_audited_and_announced_once()
    {
        await Connect("deleter-1");
        using (var sent = await SendAsync("POST", "admin/connections/deleter-1/posts", ApiKey, content: JsonContent.Create(new { postId = "to-delete", text = "Regrettable" })))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Posts<PostPublished>("to-delete").Count == 1, "PostPublished", TimeSpan.FromSeconds(30));
        var ledger = _environment.Worker.Services.GetRequiredService<IPostLedger>();
        var now = DateTimeOffset.UtcNow;
        Assert.NotNull(await ledger.TryInsertAsync(new PostEntry
        {
            PostId = "not-yet",
            ConnectionId = "deleter-1",
            Content = new PostContent("Later", PostVisibility.Public),
            State = PostState.Scheduled,
            PublishAt = now.AddHours(1),
            NotBefore = now.AddHours(1),
            CreatedAt = now,
            UpdatedAt = now,
        }, Cancel));

        using var reader = await SendAsync("DELETE", "admin/posts/to-delete", ReaderKey);
        using var accepted = await SendAsync("DELETE", "admin/posts/to-delete", OperatorKey);
        using var unknown = await SendAsync("DELETE", "admin/posts/nowhere", OperatorKey);
        using var scheduled = await SendAsync("DELETE", "admin/posts/not-yet", OperatorKey);

        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, scheduled.StatusCode);
        Assert.Contains("Cancel it instead", _bodies[^1], StringComparison.Ordinal);
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Deletions.Count == 1, "PostDeleted at the other service", TimeSpan.FromSeconds(30));
        var deleted = Assert.Single(_environment.OtherService.Deletions);
        Assert.Equal(("to-delete", "deleter-1", "t"), (deleted.PostId, deleted.ConnectionId, deleted.TenantId));
        Assert.Equal(deleted.Urn, Assert.Single(_environment.Sandbox.Control.Posts, p => p.DeletedAt is not null).Urn);
        Assert.Equal(PostState.Deleted, (await ledger.FindAsync("to-delete", Cancel))!.State);
        Assert.Equal(PostState.Scheduled, (await ledger.FindAsync("not-yet", Cancel))!.State);
        var trail = await AuditAsync("target=to-delete");
        Assert.Equal(
            [("reader", 403), ("operator", 202)],
            trail.Where(r => r.GetProperty("action").GetString() == "DELETE /admin/posts/{postId}")
                .Select(r => (r.GetProperty("actor").GetString(), r.GetProperty("status").GetInt32())).OrderByDescending(r => r.Item2 == 403));
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_post_stopped_with_an_unknown_outcome_is_resolved_by_an_operator_and_announced()
    {
        await Connect("resolver-1");
        var ledger = _environment.Worker.Services.GetRequiredService<IPostLedger>();
        foreach (var id in new[] { "stopped-found", "stopped-missing", "stopped-dropped" })
        {
            Assert.NotNull(await ledger.TryInsertAsync(Stopped(id, "resolver-1"), Cancel));
        }

        var found = await PostJsonAsync("admin/posts/stopped-found/resolve", HttpStatusCode.OK,
            JsonContent.Create(new { resolution = "Published", urn = "urn:li:share:7000000000000000001" }));
        var again = await PostJsonAsync("admin/posts/stopped-found/resolve", HttpStatusCode.Conflict, JsonContent.Create(new { resolution = "Abandon" }));
        var noUrn = await PostJsonAsync("admin/posts/stopped-missing/resolve", HttpStatusCode.BadRequest, JsonContent.Create(new { resolution = "Published" }));
        await PostJsonAsync("admin/posts/nowhere/resolve", HttpStatusCode.NotFound, JsonContent.Create(new { resolution = "Retry" }));
        var retried = await PostJsonAsync("admin/posts/stopped-missing/resolve", HttpStatusCode.OK, JsonContent.Create(new { resolution = "Retry" }));
        await PostJsonAsync("admin/posts/stopped-dropped/resolve", HttpStatusCode.OK, JsonContent.Create(new { resolution = "Abandon" }));

        Assert.Equal("Published", found.GetProperty("state").GetString());
        Assert.Contains("OutcomeUnknown", again.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Contains("urn", noUrn.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Received", retried.GetProperty("state").GetString());
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Posts<PostPublished>("stopped-found").Count == 1
                                                && _environment.OtherService.Posts<PostFailed>("stopped-dropped").Count == 1
                                                && _environment.OtherService.Posts<PostPublished>("stopped-missing").Count == 1,
            "the resolutions announced and the retried post published", TimeSpan.FromSeconds(30));
        Assert.Equal("urn:li:share:7000000000000000001", _environment.OtherService.Posts<PostPublished>("stopped-found")[0].Urn);
        var sent = Assert.Single(_environment.Sandbox.Control.Posts);
        Assert.Equal("Lost in a gateway stopped-missing", sent.Text);
        using var view = await SendAsync("GET", "admin/posts/stopped-dropped", ApiKey);
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        Assert.Contains("\"state\":\"Failed\"", _bodies[^1], StringComparison.Ordinal);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_held_post_is_shown_with_its_state_attempts_last_error_and_why_and_until_when_it_is_held()
    {
        await Connect("held-view-1");
        var ledger = _environment.Worker.Services.GetRequiredService<IPostLedger>();
        var now = DateTimeOffset.UtcNow;
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        Assert.NotNull(await ledger.TryInsertAsync(new PostEntry
        {
            PostId = "held-view",
            ConnectionId = "held-view-1",
            Content = new PostContent("Tomorrow, then", PostVisibility.Public),
            State = PostState.Received,
            Attempts = 1,
            NotBefore = midnight,
            LastError = new PostError(FailureClass.RateLimited, "LinkedIn answered HTTP 429 TOO_MANY_REQUESTS", now),
            Hold = new PostHold(PostHoldReason.DailyLimit, "LinkedIn's daily limit is reached.", midnight, now, "t"),
            CreatedAt = now,
            UpdatedAt = now,
        }, Cancel));

        var view = await GetJsonAsync("admin/posts/held-view");

        Assert.Equal(("Received", 1), (view.GetProperty("state").GetString(), view.GetProperty("attempts").GetInt32()));
        Assert.Equal(JsonValueKind.Null, view.GetProperty("urn").ValueKind);
        Assert.Equal("RateLimited", view.GetProperty("lastError").GetProperty("class").GetString());
        var hold = view.GetProperty("hold");
        Assert.Equal("DailyLimit", hold.GetProperty("reason").GetString());
        Assert.Equal("LinkedIn's daily limit is reached.", hold.GetProperty("description").GetString());
        Assert.Equal(midnight, hold.GetProperty("until").GetDateTimeOffset());
        AssertNoSecretInAnyResponse();
    }

    private static PostEntry Stopped(string postId, string connectionId)
    {
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        return new PostEntry
        {
            PostId = postId,
            ConnectionId = connectionId,
            Content = new PostContent($"Lost in a gateway {postId}", PostVisibility.Public),
            State = PostState.OutcomeUnknown,
            Attempts = 2,
            UncertainSince = at,
            LastError = new PostError(FailureClass.Transient, "A call's answer was lost and it was not settled in time.", at),
            CreatedAt = at,
            UpdatedAt = at,
        };
    }
}
