namespace CopilotBot.ML;

/// <summary>Input data does not match what the model expects (missing column, wrong type, malformed row).</summary>
public sealed class DataSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public DataSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public DataSchemaException()
    {
    }
}
