using CopilotBot.Plugins.Portfolio;

namespace CopilotBot.Plugins.Tests;

public sealed class ChurnForecastTests
{
    [Fact]
    public void Simulate_Covers90PercentOfOutcomes_OnSimulatedPortfolios()
    {
        var rng = new Random(7);
        int trials = 300, inside = 0;
        for (int t = 0; t < trials; t++)
        {
            // A portfolio like the demo's: long-tailed ARR, mostly low risk, a few red accounts.
            var accounts = Enumerable.Range(0, 300).Select(_ =>
                (Probability: rng.NextDouble() < 0.1 ? rng.NextDouble() : rng.NextDouble() * 0.05,
                 Arr: Math.Exp(Math.Log(5_000) + (rng.NextDouble() * Math.Log(400))))).ToList();
            ForecastDistribution f = ChurnForecast.Simulate(accounts, draws: 4_000, seed: (ulong)t + 1);
            double outcome = accounts.Where(a => rng.NextDouble() < a.Probability).Sum(a => a.Arr);
            if (outcome >= f.Low && outcome <= f.High)
            {
                inside++;
            }
        }

        double coverage = inside / (double)trials;
        Assert.InRange(coverage, 0.85, 0.95);
    }

    [Fact]
    public void Simulate_RepeatedInputsGiveTheSameAnswer_AndAChangedInputIsNotServedFromTheCache()
    {
        var rng = new Random(3);
        var accounts = Enumerable.Range(0, 500).Select(_ => (Probability: rng.NextDouble() * 0.3, Arr: 10_000 + (rng.NextDouble() * 500_000))).ToList();
        var changed = accounts.ToList();
        changed[250] = (changed[250].Probability + 0.5, changed[250].Arr);

        ForecastDistribution first = ChurnForecast.Simulate(accounts);
        ForecastDistribution again = ChurnForecast.Simulate(accounts.ToList());
        ForecastDistribution other = ChurnForecast.Simulate(changed);
        ForecastDistribution otherSeed = ChurnForecast.Simulate(accounts, seed: 99);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(first.Expected + (0.5 * changed[250].Arr), other.Expected, 6);
        Assert.NotEqual(first, otherSeed);
        Assert.Equal(first.Expected, otherSeed.Expected, 6);
    }

    [Fact]
    public void Simulate_GivesTheExactExpectation_AndOrderedPercentiles()
    {
        var accounts = new List<(double, double)> { (0.5, 100_000), (0.1, 1_000_000), (0.0, 5_000_000), (1.0, 20_000) };

        ForecastDistribution f = ChurnForecast.Simulate(accounts);

        Assert.Equal(0.5 * 100_000 + 0.1 * 1_000_000 + 20_000, f.Expected, 6);
        Assert.True(f.Low <= f.Median && f.Median <= f.High);
        Assert.Equal(20_000, f.Low);
        Assert.Equal(1_120_000, f.High);
    }

    [Fact]
    public void Calibrate_IsUnknownBelowThreePastForecasts_AndFindsNoErrorWhenPastForecastsMissedOnlyByChance()
    {
        // Each past actual is one draw of its own forecast's account-level chance: nothing beyond chance to correct.
        var rng = new Random(11);
        var past = Enumerable.Range(0, 12).Select(_ =>
        {
            var accounts = Portfolio(rng);
            return new PastForecast(accounts, accounts.Where(a => rng.NextDouble() < a.Probability).Sum(a => a.Arr));
        }).ToList();

        (double bias, double spread) = ChurnForecast.Calibrate(past)!.Value;

        Assert.Null(ChurnForecast.Calibrate(past.Take(2).ToList()));
        Assert.InRange(bias, -0.25, 0.25);
        Assert.InRange(spread, 0, 0.3);
    }

    [Fact]
    public void Calibrate_CentresOnPastForecastsThatRanHigh_AndWidensForMissesBeyondChance_SoTheyWouldHaveBeenHeld()
    {
        // The model's past forecasts ran about twice the actual churn, and scattered far beyond chance.
        var rng = new Random(5);
        double[] factors = [0.08, 0.9, 0.15, 1.2, 0.1, 0.7, 0.25, 0.5];
        var past = factors.Select(factor =>
        {
            var accounts = Portfolio(rng);
            return new PastForecast(accounts, factor * accounts.Sum(a => a.Probability * a.Arr));
        }).ToList();

        (double bias, double spread) = ChurnForecast.Calibrate(past, withBias: true)!.Value;
        (double noBias, double spreadAlone) = ChurnForecast.Calibrate(past)!.Value;
        var held = past.Count(p =>
        {
            ForecastDistribution f = ChurnForecast.Simulate(p.Inputs, modelError: spread, modelBias: bias);
            return p.Actual >= f.Low && p.Actual <= f.High;
        });
        var heldByChance = past.Count(p =>
        {
            ForecastDistribution f = ChurnForecast.Simulate(p.Inputs);
            return p.Actual >= f.Low && p.Actual <= f.High;
        });
        ForecastDistribution corrected = ChurnForecast.Simulate(past[0].Inputs, modelError: spread, modelBias: bias);

        Assert.True(bias < -0.4, $"bias {bias:0.00}");
        Assert.InRange(spread, 0.1, 1.5);
        Assert.True(held >= 7 && held > heldByChance, $"{held} of {past.Count} held, {heldByChance} by chance alone");
        Assert.True(corrected.Expected < 0.8 * past[0].Inputs.Sum(a => a.Probability * a.Arr), "the expectation is corrected by the bias");
        Assert.Equal((bias, spread), (corrected.ModelBias, corrected.ModelError));
        Assert.Equal((bias, spread), ChurnForecast.Calibrate([.. past.Select(p => p with { Inputs = [.. p.Inputs] })], withBias: true)!.Value); // same inputs, same answer
        // Without the bias, σ alone has to cover misses that all ran one way: it comes out wider.
        Assert.Equal(0, noBias);
        Assert.True(spreadAlone > spread, $"σ alone {spreadAlone:0.00} against {spread:0.00} with the bias");
    }

    private static List<(double Probability, double Arr)> Portfolio(Random rng) =>
        [.. Enumerable.Range(0, 300).Select(_ =>
            (rng.NextDouble() < 0.1 ? rng.NextDouble() : rng.NextDouble() * 0.05, Math.Exp(Math.Log(5_000) + (rng.NextDouble() * Math.Log(400)))))];

    [Fact]
    public void ModelError_MeasuredOnFewForecasts_WidensTheInterval_MoreTheFewerTheyAre()
    {
        // σ from n past forecasts is itself uncertain: the shared shift is drawn from Student's t (n − 1 degrees of
        // freedom, scaled by √(1 + 1/n)), which approaches the normal as n grows.
        var accounts = Enumerable.Range(0, 400).Select(i => (0.05 + (i % 7 * 0.02), 20_000.0 + (i * 300))).ToList();
        double Width(int samples)
        {
            ForecastDistribution f = ChurnForecast.Simulate(accounts, modelError: 0.4, modelErrorSamples: samples);
            return f.High - f.Low;
        }

        double known = Width(0), three = Width(3), six = Width(6), many = Width(400);

        Assert.True(three > six && six > known, $"n=3 {three:N0}, n=6 {six:N0}, σ known {known:N0}");
        Assert.InRange(many / known, 0.95, 1.06);
        Assert.NotEqual(ChurnForecast.Simulate(accounts, modelError: 0.4).High, ChurnForecast.Simulate(accounts, modelError: 0.4, modelErrorSamples: 3).High); // not one cached answer for both
    }

    [Theory]
    [InlineData(30, 0.2, 0.5, 0.2)]
    [InlineData(90, 0.2, 0.5, 0.5)]
    [InlineData(180, 0.2, 0.5, 0.75)]
    public void WithinDays_UsesTheModelHorizons_AndAConstantHazardBeyond(int days, double p30, double p90, double expected)
    {
        Assert.Equal(expected, ChurnForecast.WithinDays(days, p30, p90), 6);
    }
}
