# Issue 19: every table view stays readable at 80 columns (a runbook's output stream): each declared column is
# shown, no header wraps, no line is longer than 80 characters.
BeforeDiscovery {
    $formatFile = Join-Path $PSScriptRoot '../../src/CustomerInsightsSynapse/CustomerInsightsSynapse.Format.ps1xml'
    [xml] $format = Get-Content -Raw -LiteralPath $formatFile
    $script:Views = foreach ($view in $format.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl }) {
        $items = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
        $properties = @($items | ForEach-Object { if ($_.PropertyName) { $_.PropertyName } elseif ($_.ScriptBlock) { [regex]::Matches($_.ScriptBlock, '\$_\.(\w+)') | ForEach-Object { $_.Groups[1].Value } } }) | Sort-Object -Unique
        @{
            Name       = $view.Name
            TypeName   = $view.ViewSelectedBy.TypeName
            Labels     = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label)
            Properties = $properties
        }
    }
}

BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    $when = [DateTimeOffset]::new(2026, 12, 5, 4, 34, 32, [TimeSpan]::Zero)
    $guid = '8f0c2a52-5d43-4c1e-9e57-2b1c0d7e4a11'
    # Values as long as real ones get; a property not named here gets a 24-character name.
    $script:Samples = @{
        Account = 'automation-ci-export@contoso.onmicrosoft.com'; UserPrincipalName = 'automation-ci-export@contoso.onmicrosoft.com'
        TenantId = $guid; Environment = 'AzureUSGovernment'; SignInMethod = 'ManagedIdentity'
        Status = 'PartiallySucceeded'; CheckId = 'WorkspaceIdentityStorageAccess'; Principal = [pscustomobject]@{ Kind = 'ServicePrincipal' }
        CanRepair = $true; Reason = 'The workspace identity has no Storage Blob Data Contributor role on the storage account cisynapselake.'
        RoleName = 'Storage Blob Data Contributor'; ObjectId = $guid; PrincipalId = $guid; AssignedBy = $guid
        Scope = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-customer-insights/providers/Microsoft.Storage/storageAccounts/cisynapselake'
        Name = 'customers-to-synapse-emea'; DisplayName = 'Customers to Synapse (West Europe)'; UsableBy = 'AdministratorsAndContributors'
        WorkspaceName = 'ws-ci-export-westeurope'; StorageAccountName = 'cisynapselakewesteurope'; Container = 'customerinsights-exports'
        Validated = $true; Role = 'Administrator'; Backend = 'BlobContainer'; Source = 'CISYNAPSE_STORE'
        Location = 'https://contosoops.blob.core.windows.net/cisynapse/customers/part-00001.snappy.parquet'
        AttributeCount = 300; PartitionCount = 1200; Size = '1,234,567,890 bytes'; DataType = 'decimal(38,18)'; MaxLength = 4000
        Precision = 38; Scale = 18; IsNullable = $true; Format = 'Parquet'
        ExportName = 'customers-to-synapse-emea'; ConnectionName = 'sales-westeurope'; DatabaseName = 'CustomerInsights_Sales_EMEA'
        Entities = @('Customer', 'UnifiedActivity', 'Segments', 'ContactProfile'); EntitiesLanded = 120; EntitiesUnchanged = 300; EntitiesFailed = 12
        Bytes = 123456789012; SqlApplied = $true; DeploymentMode = 'ScriptOnly'; Entity = 'UnifiedActivityWebVisits'; Action = 'Unchanged'
        Files = 1200; SnapshotId = '20261205T043432163Z-0001'; Error = 'The partition part-00001.csv of entity Segments does not exist.'
        QueryAccessMode = 'ManagedIdentity'; DeletedBlobs = @('a', 'b', 'c'); SqlScript = 'DROP VIEW [dbo].[Customer];'
        Notes = @("The database 'CustomerInsights' was not dropped: another export of the container uses it.")
    }
    foreach ($dateName in 'ModifiedOn', 'StartedOn', 'RemovedOn', 'Since', 'Until', 'LastModified', 'AssignedOn', 'EndedOn') { $Samples[$dateName] = $when }

    function New-Sample([string] $TypeName, [string[]] $Properties) {
        $sample = [ordered]@{ PSTypeName = $TypeName }
        foreach ($property in $Properties) { $sample[$property] = if ($Samples.ContainsKey($property)) { $Samples[$property] } else { 'a-typical-name-24-chars' } }
        [pscustomobject] $sample
    }
}

Describe 'The table view of <Name> at 80 columns' -ForEach $Views {
    BeforeAll {
        $script:Text = New-Sample $TypeName $Properties | Format-Table | Out-String -Width 80
        $script:Lines = @($Text -split '\r?\n' | Where-Object { $_.Trim() })
    }

    It 'keeps every line within 80 characters' {
        foreach ($line in $Lines) { $line.TrimEnd().Length | Should -BeLessOrEqual 80 -Because "'$line'" }
    }

    It 'shows every declared column, each header whole on one line' {
        $Lines.Count | Should -Be 3 -Because "one header line, one rule and one row:`n$Text"
        foreach ($label in $Labels) { $Lines[0] | Should -Match "(^|\s)$([regex]::Escape($label))(\s|$)" -Because $Text }
        @($Lines[1].Trim() -split '\s+').Count | Should -Be $Labels.Count -Because $Text
    }
}
