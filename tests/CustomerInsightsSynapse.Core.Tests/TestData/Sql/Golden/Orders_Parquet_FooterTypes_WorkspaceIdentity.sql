-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: WorkspaceIdentity.
-- The master key password is not stored. Supply one for $(CISynapseMasterKeyPassword) (sqlcmd -v CISynapseMasterKeyPassword=...);
-- it is used only if the database has no master key yet and is not needed afterwards.

-- Batch 1 of 6: CreateDatabase
IF DB_ID(N'OrdersProductsV3') IS NULL
    CREATE DATABASE [OrdersProductsV3] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [OrdersProductsV3];
GO

-- Batch 2 of 6: MasterKey
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(CISynapseMasterKeyPassword)';
GO

-- Batch 3 of 6: Credential
IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = N'CISynapseWorkspaceIdentity')
    CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';
GO

-- Batch 4 of 6: ReaderRole
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')
    CREATE ROLE [CISynapseReaders];
GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];
EXEC (N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[CISynapseWorkspaceIdentity] TO [CISynapseReaders];');
GO

-- Batch 5 of 6: DataSource
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake_fec2d119ac7e')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_fec2d119ac7e] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/OrdersProductsV3', CREDENTIAL = [CISynapseWorkspaceIdentity]);
GO

-- Batch 6 of 6: View
CREATE OR ALTER VIEW [dbo].[Orders]
AS
SELECT
    [OrderID] AS [OrderID],
    [CustomerID] AS [CustomerID],
    TRY_CONVERT(bigint, [EmployeeID]) AS [EmployeeID],
    [OrderDate] AS [OrderDate],
    [RequiredDate] AS [RequiredDate],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([ShippedDate], ''), 127), '+00:00')) AS [ShippedDate],
    TRY_CONVERT(bigint, [ShipVia]) AS [ShipVia],
    TRY_CONVERT(decimal(38,18), [Freight]) AS [Freight],
    [ShipName] AS [ShipName],
    [ShipAddress] AS [ShipAddress],
    [ShipCity] AS [ShipCity],
    CAST(NULL AS varchar(8000)) AS [ShipRegion],
    [ShipPostalCode] AS [ShipPostalCode],
    [ShipCountry] AS [ShipCountry]
FROM OPENROWSET(
    BULK N'Orders/20261129T064600Z/**',
    DATA_SOURCE = N'CISynapseDataLake_fec2d119ac7e',
    FORMAT = 'PARQUET'
) WITH (
    [OrderID] bigint,
    [CustomerID] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [EmployeeID] int,
    [OrderDate] datetime2(7),
    [RequiredDate] datetime2(7),
    [ShippedDate] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipVia] smallint,
    [Freight] float,
    [ShipName] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipAddress] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipCity] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipPostalCode] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [ShipCountry] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r];
GO
