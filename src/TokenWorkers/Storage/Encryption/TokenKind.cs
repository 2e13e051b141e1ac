namespace TokenWorkers.Storage.Encryption;

/// <summary>Which of a connection's tokens a ciphertext holds; part of what the ciphertext is bound to.</summary>
public enum TokenKind
{
    Access = 1,
    Refresh = 2,
}
