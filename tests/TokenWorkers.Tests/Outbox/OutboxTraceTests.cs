using System.Collections.Concurrent;
using System.Diagnostics;
using TokenWorkers.Contracts;
using TokenWorkers.Outbox;
using TokenWorkers.Telemetry;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Outbox;

/// <summary>
/// An event waits in the outbox with the trace of the write that decided it, so when the sweep publishes it later, from
/// a trace of its own, the publish (and what its consumers do) still shows up in the original request's trace.
/// </summary>
public sealed class OutboxTraceTests : IAsyncLifetime
{
    private const string TestSourceName = "TokenWorkers.Tests.OutboxTrace";
    private static readonly ActivitySource Test = new(TestSourceName);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private ActivityListener _listener = null!;
    private PipelineHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or TokenWorkersTracing.SourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _host = await PipelineHost.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _listener.Dispose();
    }

    [Fact]
    public async Task A_swept_event_is_published_in_the_trace_of_the_write_that_decided_it()
    {
        await _host.ConnectAsync("c-trace");
        _host.PublishFaults.RefuseNext<TokenRefreshed>();
        ActivityTraceId decidedIn;
        using (var request = Test.StartActivity("operator forces a refresh")!)
        {
            decidedIn = request.TraceId;
            await _host.RefreshAsync("c-trace", force: true);
        }

        var waiting = Assert.Single((await _host.GetAsync("c-trace")).PendingEvents);
        Assert.Contains(decidedIn.ToHexString(), waiting.TraceParent, StringComparison.Ordinal);
        Assert.IsType<TokenRefreshed>(Assert.Single(_host.PublishFaults.Refused));

        _host.Advance(OutboxSweeper.Grace + TimeSpan.FromSeconds(1));
        _stopped.Clear();
        ActivityTraceId sweptIn;
        using (var sweep = Test.StartActivity("outbox sweep")!)
        {
            sweptIn = sweep.TraceId;
            Assert.Equal(1, await _host.SweepAsync());
        }

        Assert.NotEqual(decidedIn, sweptIn);
        var publish = Assert.Single(_stopped, a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Producer && a.TraceId == decidedIn);
        Assert.Contains(nameof(TokenRefreshed), publish.DisplayName, StringComparison.Ordinal);
        var resumed = Assert.Single(_stopped, a => a.Source.Name == TokenWorkersTracing.SourceName && a.TraceId == decidedIn);
        Assert.Equal(resumed.SpanId, publish.ParentSpanId);
        Assert.Contains(resumed.Links, link => link.Context.TraceId == sweptIn);
        Assert.DoesNotContain(_stopped, a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Producer && a.TraceId == sweptIn);
    }

    [Fact]
    public async Task An_event_published_right_after_its_write_is_published_in_that_trace_with_no_extra_span()
    {
        await _host.ConnectAsync("c-direct");
        ActivityTraceId decidedIn;
        using (var request = Test.StartActivity("operator forces a refresh")!)
        {
            decidedIn = request.TraceId;
            await _host.RefreshAsync("c-direct", force: true);
        }

        Assert.Empty((await _host.GetAsync("c-direct")).PendingEvents);
        Assert.Contains(_stopped, a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Producer && a.TraceId == decidedIn
            && a.DisplayName.Contains(nameof(TokenRefreshed), StringComparison.Ordinal));
        Assert.DoesNotContain(_stopped, a => a.Source.Name == TokenWorkersTracing.SourceName && a.TraceId == decidedIn);
    }
}
