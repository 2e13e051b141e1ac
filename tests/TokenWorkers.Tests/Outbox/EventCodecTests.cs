using System.Text.Json;
using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Tests.Outbox;

public class EventCodecTests
{
    [Fact]
    public void The_outbox_stores_enum_numbers_so_an_earlier_worker_still_reads_what_waits_there()
    {
        var reauth = new ReauthRequired
        {
            EventId = Guid.NewGuid(),
            ConnectionId = "c",
            TenantId = "t",
            Version = 3,
            OccurredAt = DateTimeOffset.UnixEpoch,
            FailureClass = FailureClass.Reauth,
            Reason = ReauthReason.GrantRejected,
        };

        var pending = EventCodec.ToPending(reauth);

        using var stored = JsonDocument.Parse(pending.Payload);
        Assert.Equal(1, stored.RootElement.GetProperty("reason").GetInt32());
        Assert.Equal(3, stored.RootElement.GetProperty("failureClass").GetInt32());
        Assert.Equal(reauth, EventCodec.FromPending(pending).Message);
    }
}
