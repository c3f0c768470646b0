using CustomerInsightsSynapse.Bench;

namespace CustomerInsightsSynapse.Core.Tests.Bench;

/// <summary>The benches' medians (bench/CustomerInsightsSynapse.Bench/Measurements.cs): one landing that opened all its connections again does not move them.</summary>
public sealed class SeriesTests
{
    [Fact]
    public void MedianOf_AnOddCount_IsTheMiddleValue_WhateverTheOrder()
    {
        Assert.Equal(0.67, Series.MedianOf([0.884, 0.67, 0.66]));
    }

    [Fact]
    public void MedianOf_AnEvenCount_IsTheMeanOfTheTwoMiddleValues()
    {
        Assert.Equal(2.5, Series.MedianOf([4, 1, 3, 2]));
    }

    [Fact]
    public void MedianOf_NoValue_IsNaN()
    {
        Assert.True(double.IsNaN(Series.MedianOf([])));
    }

    [Fact]
    public void Median_OfASeries_IsTheMedianOfItsSeconds()
    {
        var series = new Series("group", "method", null, 1024);
        series.Seconds.AddRange([3.0, 1.0, 2.0, 10.0]);

        Assert.Equal(2.5, series.Median);
        Assert.Equal(9.0 / 2.5, series.Spread);
    }
}
