-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: WorkspaceIdentity.
-- The master key password is not stored. Supply one for $(CISynapseMasterKeyPassword) (sqlcmd -v CISynapseMasterKeyPassword=...);
-- it is used only if the database has no master key yet and is not needed afterwards.

-- Batch 1 of 5: CreateDatabase
IF DB_ID(N'OrdersProductsCustomersLinked') IS NULL
    CREATE DATABASE [OrdersProductsCustomersLinked] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [OrdersProductsCustomersLinked];
GO

-- Batch 2 of 5: MasterKey
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(CISynapseMasterKeyPassword)';
GO

-- Batch 3 of 5: Credential
IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = N'CISynapseWorkspaceIdentity')
    CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';
GO

-- Batch 4 of 5: DataSource
IF EXISTS (SELECT 1 FROM sys.external_data_sources AS ds
           WHERE ds.name = N'CISynapseDataLake'
             AND (ds.location <> N'https://contosolake.dfs.core.windows.net/customerinsights'
                  OR ISNULL(ds.credential_id, 0) <> ISNULL((SELECT c.credential_id FROM sys.database_scoped_credentials AS c WHERE c.name = N'CISynapseWorkspaceIdentity'), 0)))
    DROP EXTERNAL DATA SOURCE [CISynapseDataLake];
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights', CREDENTIAL = [CISynapseWorkspaceIdentity]);
GO

-- Batch 5 of 5: View
CREATE OR ALTER VIEW [dbo].[Customers]
AS
SELECT *
FROM OPENROWSET(
    BULK N'OrdersProductsCustomersLinked/Customers/20261129T064600Z/*',
    DATA_SOURCE = N'CISynapseDataLake',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = FALSE,
    FIELDTERMINATOR = N';',
    FIELDQUOTE = N'0x0b',
    CODEPAGE = '1252'
) WITH (
    [CustomerID] nvarchar(4000),
    [CompanyName] nvarchar(4000),
    [ContactName] nvarchar(4000),
    [ContactTitle] nvarchar(4000),
    [Address] nvarchar(4000),
    [City] nvarchar(4000),
    [Region] nvarchar(4000),
    [PostalCode] nvarchar(4000),
    [Country] nvarchar(4000),
    [Phone] nvarchar(4000),
    [Fax] nvarchar(4000)
) AS [r];
GO
