using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;

namespace TokenWorkers.Tests.Refresh;

public class EventIdsTests
{
    [Fact]
    public void The_same_connection_version_and_kind_always_give_the_same_id()
    {
        Assert.Equal(EventIds.For("c-1", 7, "TokenRefreshed"), EventIds.For("c-1", 7, "TokenRefreshed"));
    }

    [Fact]
    public void Any_difference_gives_a_different_id()
    {
        var ids = new[]
        {
            EventIds.For("c-1", 7, "TokenRefreshed"),
            EventIds.For("c-1", 8, "TokenRefreshed"),
            EventIds.For("c-2", 7, "TokenRefreshed"),
            EventIds.For("c-1", 7, "ReauthRequired"),
            EventIds.For("c-17", 1, "TokenRefreshed"),
            EventIds.For("c-1", 71, "TokenRefreshed"),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void Outbox_events_round_trip_with_their_type()
    {
        var original = new ReauthSoon
        {
            EventId = EventIds.For("c-1", 3, nameof(ReauthSoon)),
            ConnectionId = "c-1",
            TenantId = "t-1",
            Version = 3,
            OccurredAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            FailureClass = FailureClass.Reauth,
            Reason = ReauthReason.NoRefreshToken,
            Deadline = new DateTimeOffset(2026, 1, 8, 0, 0, 0, TimeSpan.Zero),
            DaysBefore = 7,
        };

        var pending = EventCodec.ToPending(original);
        var (message, type) = EventCodec.FromPending(pending);

        Assert.Equal(typeof(ReauthSoon), type);
        Assert.Equal(original, message);
        Assert.Equal(original.EventId, pending.EventId);
    }
}
