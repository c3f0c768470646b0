# The value shapes both Parquet landing scenarios land (tests/Pester/ParquetLanding.Tests.ps1 from a local folder,
# ParquetLakeLanding.Tests.ps1 from the lake): one entity 'Shapes' of every typed column, its partitions (a nested, a
# '_'-named and a plain one), and how a view's values are compared exactly.

function Get-CISynapseTestShapeColumns {
    <# The attribute names of entity 'Shapes', in order. #>
    @('Id', 'Label', 'Created', 'Seen', 'Flag', 'Amount', 'Key', 'Note', 'Count', 'Ratio', 'Opens')
}

function Get-CISynapseTestShapeAttributes {
    <# The model.json attributes of entity 'Shapes'. #>
    $types = [ordered]@{ Id = 'int32'; Label = 'string'; Created = 'dateTime'; Seen = 'dateTimeOffset'; Flag = 'boolean'; Amount = 'decimal'; Key = 'guid'; Note = 'string'; Count = 'int64'; Ratio = 'double'; Opens = 'time' }
    @($types.Keys | ForEach-Object { [ordered]@{ name = $_; dataType = $types[$_] } })
}

function Get-CISynapseTestShapeFiles {
    <# The partitions of entity 'Shapes': path below the CDM folder to its rows (each the CSV text of every column). #>
    $outsideBmp = "emoji $([char]::ConvertFromUtf32(0x1F600)) clef $([char]::ConvertFromUtf32(0x1D11E))"
    $text5000 = -join (0..4999 | ForEach-Object { [char](97 + ($_ % 26)) })
    [ordered]@{
        'Shapes/2026/11/28/part.csv' = @(
            ,@('1', 'plain', '2019-07-10T00:00:00Z', '2019-07-10T08:30:00.1234567+02:00', 'True', '12.34', '00000000-0000-4000-8000-000000000001', 'say "hi"', '9007199254740993', '0.1', '08:30:15.1234567')
            ,@('2', "multi`nline", '2019-07-10T08:30:00.1234567Z', '2019-07-10T00:00:00Z', 'False', '-0.000000000000000001', '00000000-0000-4000-8000-000000000002', "a,b`r`nc", '-1', '-2.5E-300', '23:59:59.9999999')
        )
        'Shapes/_early.csv'          = @(
            ,@('3', 'offset', '2026-11-28T23:59:59.9999999-05:00', '2026-11-28T23:59:59.9999999-05:00', 'true', '1234567890.123456789012345678', '00000000-0000-4000-8000-000000000003', 'C:\temp', '0', '0', '00:00')
            ,@('4', '', '', '', '', '', '', '', '', '', '')
        )
        'Shapes/part.csv'            = @(
            ,@('5', 'long', '2019-07-10T08:30:00', '2019-07-10T08:30:00+00:00', 'false', '0', '00000000-0000-4000-8000-000000000005', $text5000, '5', '1e5', '12:00:00')
            ,@('6', $outsideBmp, '2000-02-29T12:00:00.5+01:00', '2000-02-29T12:00:00.5+14:00', '1', '1.000', '00000000-0000-4000-8000-000000000006', $outsideBmp, '6', '6.5', '00:00:00.5')
            ,@('7', 'zero', '1900-01-01T00:00:00Z', '9999-12-31T23:59:59.9999999Z', '0', '1.5', '00000000-0000-4000-8000-000000000007', '"quoted"', '7', '7', '07:05')
        )
    }
}

function ConvertTo-CISynapseTestQuotedCsvLine {
    <# One CSV line, every value quoted and its quotes doubled. #>
    param([object[]] $Values)
    ($Values | ForEach-Object { '"' + ([string]$_).Replace('"', '""') + '"' }) -join ','
}

function ConvertTo-CISynapseTestComparable {
    <# One comparable text per value, exact to the 100-nanosecond tick and the offset. #>
    param($Value)
    switch ($Value) {
        { $null -eq $_ -or $_ -is [System.DBNull] } { return '<null>' }
        { $_ -is [datetimeoffset] } { return 'dto:' + $_.ToString('yyyy-MM-ddTHH:mm:ss.fffffffzzz', [cultureinfo]::InvariantCulture) }
        { $_ -is [datetime] } { return 'dt:' + $_.ToString('yyyy-MM-ddTHH:mm:ss.fffffff', [cultureinfo]::InvariantCulture) }
        { $_ -is [decimal] } { return 'decimal:' + $_.ToString('0.############################', [cultureinfo]::InvariantCulture) }
        { $_ -is [double] } { return 'double:' + $_.ToString('R', [cultureinfo]::InvariantCulture) }
        default { return "$($_.GetType().Name):$_" }
    }
}

Export-ModuleMember -Function Get-CISynapseTestShapeColumns, Get-CISynapseTestShapeAttributes, Get-CISynapseTestShapeFiles, ConvertTo-CISynapseTestQuotedCsvLine, ConvertTo-CISynapseTestComparable
