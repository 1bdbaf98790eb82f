import { href, useRoute } from './hooks';
import { LotView, Search, SearchBox } from './views/Enquiry';
import { Genealogy } from './views/Genealogy';
import { Quality } from './views/Quality';
import { RecallDashboard, RecallList } from './views/Recall';

/** Hash routes: #/search?q=, #/lot/:id, #/genealogy/:id[?snapshot=folder/], #/recalls, #/recall/:id, #/quality/:id */
export function App() {
  const { path, params } = useRoute();
  const [screen = '', id = ''] = path;
  let body: React.ReactNode;
  switch (screen) {
    case 'search':
      body = <Search key={params.get('q') ?? ''} q={params.get('q') ?? ''} />;
      break;
    case 'lot':
      body = (
        <>
          <SearchBox />
          <LotView key={id} lotId={id} />
        </>
      );
      break;
    case 'genealogy':
      body = <Genealogy key={id} lotId={id} base={params.get('snapshot') ?? '/genealogy/'} />;
      break;
    case 'recalls':
      body = <RecallList />;
      break;
    case 'recall':
      body = <RecallDashboard key={id} recallId={id} />;
      break;
    case 'quality':
      body = <Quality key={id} lotId={id} />;
      break;
    default:
      body = (
        <>
          <SearchBox />
          <p className="muted intro">
            Search a lot by its number, a supplier's lot number, a product GTIN, or paste a GS1 scan. From a
            lot: its record and movements, its genealogy picture, its quality release, or a recall / drill of
            everything it reached.
          </p>
        </>
      );
  }
  const here = (s: string) => (screen === s ? 'page' : undefined);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <h1>
          <a href="#/">lotgraph · recall console</a>
        </h1>
        <nav aria-label="Screens">
          <a
            href="#/"
            aria-current={screen === '' || screen === 'search' || screen === 'lot' ? 'page' : undefined}
          >
            Lot enquiry
          </a>
          <a href={href('recalls')} aria-current={here('recalls') ?? here('recall')}>
            Recalls
          </a>
          {id && screen !== 'recall' && (
            <>
              <a href={href('genealogy', id)} aria-current={here('genealogy')}>
                Genealogy
              </a>
              <a href={href('quality', id)} aria-current={here('quality')}>
                Quality
              </a>
            </>
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
    </>
  );
}
