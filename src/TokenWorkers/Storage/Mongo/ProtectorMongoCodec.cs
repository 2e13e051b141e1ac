using TokenWorkers.Connections;
using TokenWorkers.Storage.Encryption;

namespace TokenWorkers.Storage.Mongo;

/// <summary>The worker's token protector seen through the Mongo adapter's codec seam.</summary>
public sealed class ProtectorMongoCodec(ITokenProtector protector) : IMongoTokenCodec
{
    public MongoProtectedToken Protect(SecretToken token, string connectionId, MongoTokenKind kind)
    {
        var protectedToken = protector.Protect(token, connectionId, ToTokenKind(kind));
        return new MongoProtectedToken(protectedToken.KeyId, protectedToken.Ciphertext);
    }

    public SecretToken Unprotect(MongoProtectedToken value, string connectionId, MongoTokenKind kind) =>
        protector.Unprotect(new ProtectedToken(value.KeyId, value.Data.ToArray()), connectionId, ToTokenKind(kind));

    public string ActiveKeyId => protector.ActiveKeyId;

    public bool HasKey(string keyId) => protector.HasKey(keyId);

    private static TokenKind ToTokenKind(MongoTokenKind kind) => kind switch
    {
        MongoTokenKind.Access => TokenKind.Access,
        MongoTokenKind.Refresh => TokenKind.Refresh,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown token kind"),
    };
}
