namespace CopilotBot.Memory;

/// <summary>Checks shared by the stores, so both reject the same bad input with the same words.</summary>
public static class VectorValidation
{
    /// <summary>Collection names both stores accept (also safe as a file name).</summary>
    public static void CollectionName(string collection)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        if (collection.Length > 64 || !collection.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"Collection name '{collection}' must be 1-64 ASCII letters, digits, '_' or '-'.", nameof(collection));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the vector has the collection's length and only finite values.</summary>
    public static void Vector(ReadOnlySpan<float> vector, int dimensions, string collection)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"Vector has {vector.Length} dimensions but collection '{collection}' has {dimensions}.", nameof(vector));
        }

        foreach (float value in vector)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"Vector for collection '{collection}' contains NaN or Infinity.", nameof(vector));
            }
        }
    }
}
